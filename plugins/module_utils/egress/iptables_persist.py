# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Updating netfilter-persistent's rules.v4 / rules.v6: only the collection's lines change."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.iptables_save import SavedRule, parse_save


def _is_rule(line):
    stripped = line.strip()
    return stripped.startswith("-A ") or (stripped.startswith("[") and "] -A " in stripped)


def _filter_section(lines):
    start = None
    for index, line in enumerate(lines):
        if line.strip() == "*filter":
            start = index
        elif start is not None and line.strip() == "COMMIT":
            return start, index
    return None, None


def update_rules_text(text, wanted_by_chain, policies):
    """`text` with every owned line removed and `wanted_by_chain` ({chain: [lines]}) inserted
    ahead of the first rule of that chain that can drop (else at the end of the chain)."""
    lines = text.splitlines()
    start, end = _filter_section(lines)
    if start is None:
        if not any(wanted_by_chain.values()):
            return text
        section = ["*filter"]
        section += [":%s %s [0:0]" % (chain, policies.get(chain, "ACCEPT")) for chain in sorted(wanted_by_chain)]
        for chain in sorted(wanted_by_chain):
            section += wanted_by_chain[chain]
        section.append("COMMIT")
        prefix = text if not text or text.endswith("\n") else text + "\n"
        return prefix + "\n".join(section) + "\n"
    body = [line for line in lines[start + 1:end] if not (_is_rule(line) and SavedRule(line).owned)]
    for chain in sorted(wanted_by_chain):
        wanted = wanted_by_chain[chain]
        if not wanted:
            continue
        body = _insert_into_chain(body, chain, wanted)
    new_lines = lines[:start + 1] + body + lines[end:]
    return "\n".join(new_lines) + ("\n" if text.endswith("\n") or not text else "")


def _insert_into_chain(body, chain, wanted):
    table = parse_save("*filter\n" + "\n".join(body) + "\nCOMMIT\n").get("filter")
    rule_positions = [index for index, line in enumerate(body) if _is_rule(line)]
    chain_positions = [p for p, rule in zip(rule_positions, table.rules) if rule.chain == chain]
    blocking = table.first_blocking_index(chain)
    if blocking is not None:
        at = chain_positions[blocking]
    elif chain_positions:
        at = chain_positions[-1] + 1
    else:
        at = len(body)
    return body[:at] + list(wanted) + body[at:]
