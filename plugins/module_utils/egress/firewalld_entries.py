# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Finding firewalld entries (owned or hand-made) that allow given destinations on a port, in
both the runtime and the permanent configuration: rich rules of zones and policies, ipset
entries, direct rules; and the firewall-cmd commands that remove them from each configuration
that holds them."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import re

from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.base import Entry
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.destinations import covered_by, overlaps_any
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.firewalld_cmd import PERMANENT, RUNTIME, words

OWNED_NAMES = ("zerto-billing", "zerto-billing-v4", "zerto-billing-v6")
_ATTRIBUTE = re.compile(r'(\w+)="([^"]*)"')


def _network(text):
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


def _ports(text):
    low, unused, high = (text or "").partition("-")
    try:
        return list(range(int(low), int(high or low) + 1))
    except ValueError:
        return None


class RichRule(object):
    """The parts of a rich rule this search needs."""

    def __init__(self, text):
        self.text = text
        self.destination = re.search(r'destination (not )?(address|ipset)="([^"]*)"', text)
        port = re.search(r' port port="([^"]*)" protocol="([^"]*)"', text)
        self.ports = _ports(port.group(1)) if port else "any"
        self.protocol = port.group(2) if port else None
        self.accepts = text.rstrip().endswith(" accept")
        self.restricted = bool(re.search(r" source | service name=| log| audit", text))

    def destination_of(self, kind):
        if self.destination and not self.destination.group(1) and self.destination.group(2) == kind:
            return self.destination.group(3)
        return None

    def allows_only_port(self, port, protocol):
        return self.accepts and not self.restricted and self.ports == [port] and self.protocol == protocol


def _merge(found, key, view, entry):
    """One entry per firewall entry, listing the configurations (runtime, permanent) that hold it."""
    if key in found:
        found[key].ref["views"].append(view)
    else:
        entry.ref["views"] = [view]
        found[key] = entry


def _rich_rule_entries(found, view, kind, holders, targets, port, protocol, backend):
    for holder, info in sorted(holders.items()):
        for text in info["rich rules"]:
            rule = RichRule(text)
            network = _network(rule.destination_of("address") or "")
            if network is None or not rule.accepts or not overlaps_any(network, targets):
                continue
            if rule.ports != "any" and (rule.ports is None or port not in rule.ports or rule.protocol != protocol):
                continue
            action, reason = "remove", "allows only the given destinations on port %d" % port
            if not covered_by(network, targets):
                action, reason = "manual_review", "covers more than the given destinations"
            elif not rule.allows_only_port(port, protocol):
                action, reason = "manual_review", "also allows other ports, or has source/service/log parts"
            entry = Entry(backend, "rich_rule", {kind: holder, "rich_rule": text}, "%s %s: %s" % (kind, holder, text),
                          [str(network)], [], action, reason, owned=holder in OWNED_NAMES,
                          ref={"remove": ["--%s=%s" % (kind, holder), "--remove-rich-rule=%s" % text]})
            _merge(found, ("rich_rule", kind, holder, text), view, entry)


def _ipset_users(view_state, name):
    """Rich rules (of zones and policies) and zone sources that use the ipset."""
    users = []
    for holders in (view_state.zones, view_state.policies):
        for holder, info in holders.items():
            users += [RichRule(t) for t in info["rich rules"] if 'ipset="%s"' % name in t]
            if "ipset:%s" % name in words(info.get("sources")):
                users.append(None)
    return users


def _ipset_entries(found, view, view_state, targets, port, protocol, backend):
    for name, info in sorted(view_state.ipsets.items()):
        members = words(info.get("entries"))
        matched = [m for m in members if _network(m) is not None and covered_by(_network(m), targets)]
        if not matched:
            continue
        others = [m for m in members if m not in matched]
        users = _ipset_users(view_state, name)
        if all(u is not None and u.destination_of("ipset") == name and u.allows_only_port(port, protocol) for u in users):
            action, reason = "narrow", "ipset used only by rules that accept port %d to it: remove just these entries" % port
        else:
            action, reason = "manual_review", "ipset also used by other rules (sources, other ports, drops)"
        entry = Entry(backend, "ipset", {"ipset": name}, "ipset %s: %s" % (name, " ".join(matched)), matched, others,
                      action, reason, owned=name in OWNED_NAMES,
                      ref={"remove_each": [["--ipset=%s" % name, "--remove-entry=%s" % m] for m in matched]})
        _merge(found, ("ipset", name, tuple(matched)), view, entry)


def _option(args, *names):
    for index, arg in enumerate(args[:-1]):
        if arg in names:
            return args[index + 1]
    return None


def _direct_entries(found, view, rules, targets, port, protocol, backend):
    for ipv, table, chain, priority, args in rules:
        network = _network(_option(args, "-d", "--destination") or "")
        if network is None or _option(args, "-j", "--jump") != "ACCEPT" or not overlaps_any(network, targets):
            continue
        dport = _option(args, "--dport", "--destination-port")
        ports = _ports(dport) if dport else "any"
        if ports != "any" and (ports is None or port not in ports):
            continue
        action, reason = "remove", "allows only the given destinations on port %d" % port
        if not covered_by(network, targets):
            action, reason = "manual_review", "covers more than the given destinations"
        elif ports != [port] or _option(args, "-p", "--protocol") != protocol:
            action, reason = "manual_review", "also allows other ports or protocols"
        text = "direct %s %s %s %s %s" % (ipv, table, chain, priority, " ".join(args))
        location = {"ipv": ipv, "table": table, "chain": chain, "priority": priority, "args": " ".join(args)}
        entry = Entry(backend, "direct_rule", location, text, [str(network)], [], action, reason,
                      ref={"remove": ["--direct", "--remove-rule", ipv, table, chain, priority] + list(args)})
        _merge(found, ("direct", text), view, entry)


def find_entries(state, targets, port, protocol="tcp", backend="firewalld"):
    found = {}
    for view in (PERMANENT, RUNTIME):
        view_state = state.views[view]
        _rich_rule_entries(found, view, "zone", view_state.zones, targets, port, protocol, backend)
        _rich_rule_entries(found, view, "policy", view_state.policies, targets, port, protocol, backend)
        _ipset_entries(found, view, view_state, targets, port, protocol, backend)
        _direct_entries(found, view, view_state.direct, targets, port, protocol, backend)
    entries = [found[key] for key in sorted(found, key=str)]
    for entry in entries:
        entry.location["configurations"] = sorted(entry.ref["views"])
    return entries


def removal_commands(entries, backend="firewalld"):
    """[(view, firewall-cmd args)] removing `remove` entries and narrowing `narrow` ones in every
    configuration (runtime, permanent) that holds them."""
    commands = []
    for entry in entries:
        if entry.backend != backend or entry.action not in ("remove", "narrow"):
            continue
        for view in sorted(entry.ref["views"]):
            if "remove" in entry.ref:
                commands.append((view, entry.ref["remove"]))
            for args in entry.ref.get("remove_each", []):
                commands.append((view, args))
    return commands


IPV_BY_TOOL = {"iptables": "ipv4", "ip6tables": "ipv6"}


def without_direct_rule_copies(searched, found):
    """firewalld (nftables backend) puts its direct rules into iptables as they are, where the
    iptables backend finds them too: drop those copies, firewalld removes its rules itself.
    `searched` is [(title, backend, state, entries)], `found` every entry."""
    direct = set((e.location["ipv"], e.location["chain"], tuple(e.matched)) for e in found if e.kind == "direct_rule")

    def is_copy(entry):
        return entry.backend == "iptables" and (
            IPV_BY_TOOL.get(entry.location.get("tool")), entry.location.get("chain"), tuple(entry.matched)) in direct
    if not direct:
        return searched, found
    return ([(title, backend, state, [e for e in entries if not is_copy(e)]) for title, backend, state, entries in searched],
            [e for e in found if not is_copy(e)])
