# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ufw's user rules as ufw itself stores them: the `### tuple ###` lines of user.rules (IPv4)
and user6.rules (IPv6), and the ufw command lines that add or delete one of them."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import binascii
import ipaddress

from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.markers import OWNER_COMMENT

TUPLE_PREFIX = "### tuple ###"
ANY_ADDRESSES = ("0.0.0.0/0", "::/0", "any")
BLOCKING_ACTIONS = ("deny", "reject", "limit")


def decode_comment(text):
    try:
        return binascii.unhexlify(text.encode("ascii")).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return text


class UfwRule(object):
    """One user rule. `version` is 4 (user.rules) or 6 (user6.rules)."""

    def __init__(self, version, fields, comment=""):
        self.version = version
        action = fields[0]
        self.forward = action.startswith("route:")
        action = action.split(":", 1)[1] if self.forward else action
        self.action, unused, self.logtype = action.partition("_")
        self.protocol, self.dport, self.dst, self.sport, self.src = fields[1:6]
        self.dapp = self.sapp = ""
        if len(fields) == 9:
            self.dapp = "" if fields[6] == "-" else fields[6].replace("%20", " ")
            self.sapp = "" if fields[7] == "-" else fields[7].replace("%20", " ")
        where = fields[-1] if len(fields) in (7, 9) else "in"
        self.direction, unused, self.interface = where.partition("_")
        self.comment = comment

    @property
    def owned(self):
        return self.comment == OWNER_COMMENT

    def network(self, address):
        if address in ANY_ADDRESSES:
            return None
        try:
            return ipaddress.ip_network(address, strict=False)
        except ValueError:
            return None

    @property
    def dst_network(self):
        return self.network(self.dst)

    @property
    def plain(self):
        """No source, source port, application profile or interface restriction."""
        return (self.src in ANY_ADDRESSES and self.sport == "any" and not self.dapp and not self.sapp
                and not self.interface)

    def blocks_egress(self):
        return not self.forward and self.direction == "out" and self.action in BLOCKING_ACTIONS

    def ports(self):
        """List of destination ports, "any", or None when not understood."""
        if self.dport == "any":
            return "any"
        ports = []
        for part in self.dport.split(","):
            low, unused, high = part.partition(":")
            try:
                ports.extend(range(int(low), int(high or low) + 1))
            except ValueError:
                return None
        return ports

    def owned_key(self):
        """(network, protocol, port) of a rule shaped like the ones the collection adds, else None."""
        if not (self.action == "allow" and not self.logtype and not self.forward and self.direction == "out"
                and self.plain and self.protocol in ("tcp", "udp") and self.dst_network is not None):
            return None
        ports = self.ports()
        if not isinstance(ports, list) or len(ports) != 1:
            return None
        return self.dst_network, self.protocol, ports[0]

    def spec(self):
        """The rule as ufw's command line grammar spells it (without `ufw`, `delete`, `comment`)."""
        words = [self.action]
        if self.direction:
            words.append(self.direction)
        if self.interface:
            words += ["on", self.interface]
        if self.logtype:
            words.append(self.logtype)
        if self.protocol != "any" and not (self.dapp or self.sapp):
            words += ["proto", self.protocol]
        words += _endpoint("from", self.src, self.sport, self.sapp)
        words += _endpoint("to", self.dst, self.dport, self.dapp)
        return words

    def delete_argv(self):
        return (["route", "delete"] if self.forward else ["delete"]) + self.spec()

    def text(self):
        """Readable form, as `ufw show added` would print it."""
        words = ["ufw"] + (["route"] if self.forward else []) + self.spec()
        if self.comment:
            words += ["comment", "'%s'" % self.comment]
        return " ".join(words)


def _endpoint(keyword, address, port, app):
    words = []
    if address not in ANY_ADDRESSES or port != "any" or app or keyword == "to":
        words += [keyword, "any" if address in ANY_ADDRESSES else address]
    if app:
        words += ["app", app]
    elif port != "any":
        words += ["port", port]
    return words


def parse_user_rules(text, version):
    """The rules of one user.rules / user6.rules file, in ufw's order."""
    rules = []
    for line in (text or "").splitlines():
        if not line.startswith(TUPLE_PREFIX):
            continue
        body, unused, comment = line[len(TUPLE_PREFIX):].partition(" comment=")
        fields = body.split()
        if len(fields) < 6 or len(fields) > 9:
            continue
        rules.append(UfwRule(version, fields, decode_comment(comment.strip()) if comment else ""))
    return rules


def host_text(network):
    if network.prefixlen == network.max_prefixlen:
        return str(network.network_address)
    return str(network)


def allow_words(network, protocol, port):
    return ["allow", "out", "proto", protocol, "to", host_text(network), "port", str(port)]


def add_argv(network, protocol, port, position=None):
    prefix = ["insert", str(position)] if position else []
    return prefix + allow_words(network, protocol, port) + ["comment", OWNER_COMMENT]


def owned_text(network, protocol, port):
    return "ufw %s comment '%s'" % (" ".join(allow_words(network, protocol, port)), OWNER_COMMENT)
