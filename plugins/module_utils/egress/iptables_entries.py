# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Finding iptables/ip6tables ACCEPT rules (owned or hand-made) for given destinations on a port,
and planning their removal. iptables-save prints one destination per rule, so a rule either
covers only given destinations (removed) or is left for manual review (other ports, a wider
network); ipset matches are not inspected."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.base import Entry, Plan
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.destinations import covered_by, overlaps_any
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.iptables_render import delete_line
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.iptables_save import SavedRule

TOOL_BY_VERSION = {4: "iptables", 6: "ip6tables"}
# ufw rewrites its chains from its own files: its rules are found and removed through ufw.
UFW_CHAIN_PREFIXES = ("ufw-", "ufw6-")


def _ports(rule):
    single = rule.option("--dport") or rule.option("--destination-port")
    multi = rule.option("--dports") or rule.option("--destination-ports")
    if rule.negated("--dport") or rule.negated("--dports"):
        return None, "negated port match"
    value = single or multi
    if value is None:
        return "any", None
    ports = []
    for part in value.split(","):
        low, separator, high = part.partition(":")
        try:
            ports.extend(range(int(low), int(high or low) + 1))
        except ValueError:
            return None, "port %s not understood" % part
    return ports, None


def find_entries(states, targets, port, protocol="tcp", backend="iptables"):
    entries = []
    for version in sorted(states):
        table = states[version].table
        for rule in table.rules:
            destination = rule.option("-d") or rule.option("--destination")
            if rule.target != "ACCEPT" or not destination or rule.chain.startswith(UFW_CHAIN_PREFIXES):
                continue
            try:
                network = ipaddress.ip_network(destination, strict=False)
            except ValueError:
                continue
            if not overlaps_any(network, targets):
                continue
            ports, problem = _ports(rule)
            proto = rule.option("-p") or rule.option("--protocol")
            if ports != "any" and (ports is None or port not in ports or proto not in (protocol, None)):
                continue
            location = {"tool": TOOL_BY_VERSION[version], "table": "filter", "chain": rule.chain, "rule": rule.line}
            action, reason = "remove", "allows only the given destinations on port %d" % port
            if not covered_by(network, targets):
                action, reason = "manual_review", "covers more than the given destinations"
            elif ports == "any":
                action, reason = "manual_review", "also allows other ports"
            elif ports != [port]:
                action, reason = "manual_review", "also allows other ports"
            entries.append(Entry(backend, "rule", location, "%s: %s" % (TOOL_BY_VERSION[version], rule.line),
                                 [str(network)], [], action, reason, owned=rule.owned, ref=(version, rule)))
    return entries


def plan_removal(entries, backend="iptables"):
    """iptables-restore --noflush input per IP version, deleting by exact spec."""
    lines = {}
    removed = []
    for entry in entries:
        if entry.backend != backend or entry.action != "remove":
            continue
        version, rule = entry.ref
        lines.setdefault(version, []).append(delete_line(rule.line))
        removed.append("remove: %s" % entry.text)
    script = dict((v, "*filter\n" + "".join(l + "\n" for l in ls) + "COMMIT\n") for v, ls in lines.items())
    before = sorted(e.text for e in entries if e.backend == backend and e.action == "remove")
    return Plan(before, [], [], removed, script, desired=lines)


def strip_rules_text(text, rule_lines):
    """A saved rules file without the given rules (each removed once, counters ignored)."""
    pending = list(rule_lines)
    kept = []
    for line in text.splitlines(True):
        stripped = line.strip()
        is_rule = stripped.startswith("-A ") or (stripped.startswith("[") and "] -A " in stripped)
        if is_rule and SavedRule(stripped).line in pending:
            pending.remove(SavedRule(stripped).line)
            continue
        kept.append(line)
    return "".join(kept)
