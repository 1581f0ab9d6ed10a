# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which nftables rules and chains can drop a packet: where an allow has to go."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.markers import is_owned_comment

FILTERING_FAMILIES = ("ip", "ip6", "inet")
FILTERING_CHAIN_TYPES = ("filter", "route")
_XT_DROP_TARGETS = ("DROP", "REJECT")


def _walk(value):
    if isinstance(value, dict):
        yield value
        for inner in value.values():
            yield from _walk(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _walk(inner)


def expr_drops(expr):
    """True if the expression list can end in drop/reject itself: a verdict, a verdict map
    entry, an xtables DROP/REJECT target, or a named verdict map (contents unknown here)."""
    for node in _walk(expr):
        if "drop" in node or "reject" in node:
            return True
        xt = node.get("xt")
        if isinstance(xt, dict) and xt.get("type") == "target" and xt.get("name") in _XT_DROP_TARGETS:
            return True
        vmap = node.get("vmap")
        if isinstance(vmap, dict) and isinstance(vmap.get("data"), str):
            return True
    return False


def jump_targets(expr):
    targets = []
    for node in _walk(expr):
        for verdict in ("jump", "goto"):
            target = node.get(verdict)
            if isinstance(target, dict) and "target" in target:
                targets.append(target["target"])
    return targets


def rule_blocks(table, rule, seen=None):
    if is_owned_comment(rule.comment):
        return False
    if expr_drops(rule.expr):
        return True
    seen = set() if seen is None else seen
    for target in jump_targets(rule.expr):
        if target in seen:
            continue
        seen.add(target)
        chain = table.chains.get(target)
        if chain is None or any(rule_blocks(table, inner, seen) for inner in chain.rules):
            return True
    return False


def first_blocking_rule(table, chain):
    for rule in chain.rules:
        if rule_blocks(table, rule):
            return rule
    return None


def chain_blocks(table, chain):
    return chain.policy == "drop" or first_blocking_rule(table, chain) is not None


def egress_chains(table, hooks):
    """Base chains of the table that filter on the given hooks, in listing order."""
    if table.family not in FILTERING_FAMILIES:
        return []
    return [
        chain
        for chain in table.ordered_chains()
        if chain.is_base and chain.hook in hooks and chain.type in FILTERING_CHAIN_TYPES
    ]


def family_versions(family):
    return {"ip": (4,), "ip6": (6,), "inet": (4, 6)}.get(family, ())
