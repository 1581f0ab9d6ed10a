# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's iptables rules, written exactly as iptables-save prints them back."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.markers import OWNER_COMMENT


def rule_line(chain, network, protocol, port):
    return '-A %s -d %s -p %s -m %s --dport %d -m comment --comment "%s" -j ACCEPT' % (
        chain,
        network.with_prefixlen,
        protocol,
        protocol,
        port,
        OWNER_COMMENT,
    )


def owned_rule_key(rule):
    """(chain, destination network, protocol, port) of a rule shaped like rule_line(), else None;
    compared by value, because ip6tables-save and Python spell some IPv6 addresses differently."""
    destination, protocol, port = rule.option("-d"), rule.option("-p"), rule.option("--dport")
    if not (destination and protocol and port and rule.target == "ACCEPT"):
        return None
    try:
        return rule.chain, ipaddress.ip_network(destination, strict=False), protocol, int(port)
    except ValueError:
        return None


def delete_line(line):
    """`-A CHAIN spec` -> `-D CHAIN spec`: deleting by spec never hits someone else's rule."""
    return "-D" + line[2:]


def insert_line(line, position):
    chain, spec = line.split(None, 2)[1:]
    return "-I %s %d %s" % (chain, position, spec)
