# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Finding ufw `allow` user rules (owned or hand-made, with or without comment) for given
destinations on a port, and the exact `ufw delete` commands that remove them."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.base import Entry
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.destinations import covered_by, overlaps_any


def _action(rule, network, targets, ports, port):
    if not covered_by(network, targets):
        return "manual_review", "covers more than the given destinations"
    if ports != [port]:
        return "manual_review", "also allows other ports"
    if rule.forward:
        return "manual_review", "routed (forwarding) rule"
    if not rule.plain:
        return "manual_review", "also restricted by source, interface or application profile"
    if rule.protocol == "any":
        return "remove", "allows only the given destinations on port %d (tcp and udp)" % port
    return "remove", "allows only the given destinations on port %d" % port


def find_entries(state, targets, port, protocol="tcp", backend="ufw"):
    entries = []
    number = 0
    for version in (4, 6):
        for rule in state.rules[version]:
            number += 1
            network = rule.dst_network
            if rule.action != "allow" or network is None or not overlaps_any(network, targets):
                continue
            ports = rule.ports()
            if ports != "any" and (ports is None or port not in ports or rule.protocol not in (protocol, "any")):
                continue
            action, reason = _action(rule, network, targets, ports, port)
            location = {"version": version, "number": number, "rule": rule.text()}
            entries.append(Entry(backend, "rule", location, rule.text(), [str(network)], [], action, reason,
                                 owned=rule.owned, ref=rule))
    return entries


def removal_commands(entries, backend="ufw"):
    """(ufw argvs, entry texts, removed descriptions) for the entries to remove."""
    mine = [e for e in entries if e.backend == backend and e.action == "remove"]
    commands = [e.ref.delete_argv() for e in mine]
    return commands, sorted(e.text for e in mine), ["remove: %s" % e.text for e in mine]
