# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Finding nftables entries (owned or hand-made) that allow given destinations on a port, and
planning their removal: rules covering only those destinations go, named sets that also hold
other members are narrowed, anything else mixed is left for manual review."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.base import Entry, Plan
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.destinations import covered_by, overlaps_any
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.markers import is_owned_comment, is_owned_set_name
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.nft_elements import element_text, value_networks
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.nft_render import table_ref
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.nft_verdicts import FILTERING_FAMILIES

BACKEND = "nftables"


class AllowRule(object):
    """An accepting rule's destination and port matches, as far as they can be read."""

    def __init__(self, table, chain, rule):
        self.table, self.chain, self.rule = table, chain, rule
        self.daddr = None
        self.ports = None
        self.protocols = set()
        self.accepts = any(isinstance(e, dict) and "accept" in e for e in rule.expr)
        for expression in rule.expr:
            match = expression.get("match") if isinstance(expression, dict) else None
            if not match or match.get("op") not in ("==", "in"):
                continue
            payload = match.get("left", {}).get("payload") if isinstance(match.get("left"), dict) else None
            if not payload:
                continue
            if payload.get("field") == "daddr" and payload.get("protocol") in ("ip", "ip6"):
                self.daddr = match.get("right")
            elif payload.get("field") == "dport":
                self.protocols.add(payload.get("protocol"))
                self.ports = _ports(match.get("right"))

    def covers_port(self, port, protocol):
        if self.ports is None:
            return "any"
        if port not in self.ports:
            return None
        if self.protocols - set([protocol, "th"]):
            return None
        return "exact" if self.ports == [port] else "more"

    @property
    def location(self):
        return {"family": self.table.family, "table": self.table.name, "chain": self.chain.name, "handle": self.rule.handle}

    def text(self):
        return "table %s %s chain %s handle %s%s" % (
            self.table.family, self.table.name, self.chain.name, self.rule.handle,
            (' comment "%s"' % self.rule.comment) if self.rule.comment else "",
        )


def _ports(value):
    if isinstance(value, int):
        return [value]
    if isinstance(value, dict) and "set" in value:
        ports = []
        for item in value["set"]:
            if isinstance(item, int):
                ports.append(item)
            elif isinstance(item, dict) and "range" in item:
                low, high = item["range"]
                ports.extend(range(low, high + 1))
            else:
                return None
        return ports
    if isinstance(value, dict) and "range" in value:
        low, high = value["range"]
        return list(range(low, high + 1))
    return None


def _split(networks, targets):
    matched = [n for n in networks if covered_by(n, targets)]
    partial = [n for n in networks if n not in matched and overlaps_any(n, targets)]
    others = [n for n in networks if n not in matched and n not in partial]
    return matched, partial, others


# firewalld rebuilds its table from its own configuration: its entries are found through firewalld.
FIREWALLD_TABLE = "firewalld"


def find_entries(ruleset, targets, port, protocol="tcp"):
    entries = []
    set_refs = {}
    for table in ruleset.native_tables():
        if table.family not in FILTERING_FAMILIES or table.name == FIREWALLD_TABLE:
            continue
        for chain in table.ordered_chains():
            for rule in chain.rules:
                allow = AllowRule(table, chain, rule)
                if isinstance(allow.daddr, str) and allow.daddr.startswith("@"):
                    set_refs.setdefault((table.key, allow.daddr[1:]), []).append(allow)
                    continue
                if not allow.accepts or allow.daddr is None:
                    continue
                coverage = allow.covers_port(port, protocol)
                networks = value_networks(allow.daddr)
                if coverage is None or not networks:
                    continue
                matched, partial, others = _split(networks, targets)
                if not matched and not partial:
                    continue
                action, reason = "remove", "allows only the given destinations on port %d" % port
                if partial:
                    action, reason = "manual_review", "covers more than the given destinations"
                elif others:
                    action, reason = "manual_review", "also allows other destinations in the same rule"
                elif coverage != "exact":
                    action, reason = "manual_review", "also allows other ports"
                entries.append(Entry(
                    BACKEND, "rule", allow.location, allow.text(), [str(n) for n in matched + partial],
                    [str(n) for n in others], action, reason, owned=is_owned_comment(rule.comment), ref=allow,
                ))
    for (table_key, set_name), refs in sorted(set_refs.items()):
        entries.extend(_set_entries(ruleset, table_key, set_name, refs, targets, port, protocol))
    return entries


def _set_entries(ruleset, table_key, set_name, refs, targets, port, protocol):
    table = ruleset.table(*table_key)
    nft_set = table.sets.get(set_name)
    allows = [a for a in refs if a.accepts and a.covers_port(port, protocol)]
    if nft_set is None or nft_set.is_map or not allows:
        return []
    per_element = []
    for raw in nft_set.elements:
        networks = value_networks(raw)
        if networks is None:
            return []
        per_element.append((raw, networks))
    matched = [(raw, nets) for raw, nets in per_element if all(covered_by(n, targets) for n in nets)]
    partial = [(raw, nets) for raw, nets in per_element if (raw, nets) not in matched and any(overlaps_any(n, targets) for n in nets)]
    others = [(raw, nets) for raw, nets in per_element if (raw, nets) not in matched and (raw, nets) not in partial]
    if not matched and not partial:
        return []
    location = {"family": table.family, "table": table.name, "set": set_name}
    text = "table %s %s set %s" % (table.family, table.name, set_name)
    owned = is_owned_set_name(set_name)
    if partial:
        return [Entry(BACKEND, "set", location, text, shown(matched + partial), shown(others), "manual_review",
                      "an element covers more than the given destinations", owned)]
    exact_only = all(a.covers_port(port, protocol) == "exact" for a in refs) and len(allows) == len(refs)
    if others or not exact_only:
        reason = "set also holds other members" if others else "set is also used by rules for other ports or verdicts"
        return [Entry(BACKEND, "set", location, text, shown(matched), shown(others), "narrow", reason, owned, ref=(nft_set, matched))]
    entries = [Entry(BACKEND, "rule", a.location, a.text(), shown(matched), [], "remove",
                     "its set holds only the given destinations", owned or is_owned_comment(a.rule.comment), ref=a)
               for a in refs]
    entries.append(Entry(BACKEND, "set", location, text, shown(matched), [], "remove",
                         "holds only the given destinations", owned, ref=(nft_set, matched)))
    return entries


def shown(items):
    return [_raw_text(raw) for raw, networks in items]


def _raw_text(raw):
    if isinstance(raw, dict) and "elem" in raw:
        raw = raw["elem"].get("val")
    if isinstance(raw, str):
        return raw
    if "prefix" in raw:
        return "%s/%s" % (raw["prefix"]["addr"], raw["prefix"]["len"])
    if "range" in raw:
        return "%s-%s" % tuple(raw["range"])
    return element_text(value_networks(raw)[0])


def plan_removal(ruleset, entries):
    """One nft transaction: rules first, then set elements, then emptied sets."""
    rules, elements, sets, removed = [], [], [], []
    for entry in entries:
        if entry.backend != BACKEND or entry.action == "manual_review":
            continue
        loc = entry.location
        ref = table_ref(loc["family"], loc["table"])
        if entry.kind == "rule":
            rules.append("delete rule %s %s handle %d" % (ref, loc["chain"], loc["handle"]))
        elif entry.action == "narrow":
            elements.append("delete element %s %s { %s }" % (ref, loc["set"], ", ".join(entry.matched)))
        else:
            sets.append("delete set %s %s" % (ref, loc["set"]))
        removed.append("%s: %s (%s)" % (entry.action, entry.text, ", ".join(entry.matched)))
    script = rules + elements + sets
    before = sorted("%s %s" % (e.text, e.matched) for e in entries if e.backend == BACKEND and e.action != "manual_review")
    return Plan(before, [], [], removed, "".join(line + "\n" for line in script))
