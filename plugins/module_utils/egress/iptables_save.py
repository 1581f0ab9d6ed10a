# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parsing iptables-save / ip6tables-save text (the running rules or a rules.v4/v6 file)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import shlex

from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.markers import is_owned_comment

BUILTIN_CHAINS = ("INPUT", "OUTPUT", "FORWARD", "PREROUTING", "POSTROUTING")
DROP_TARGETS = ("DROP", "REJECT")
_COUNTERS = re.compile(r"^\[\d+:\d+\]\s+")


class SavedRule(object):
    """One `-A CHAIN ...` line. `spec` is the line without counters and without `-A CHAIN`."""

    def __init__(self, line):
        self.line = _COUNTERS.sub("", line.strip())
        self.args = shlex.split(self.line)
        self.chain = self.args[1]
        self.spec = self.line.split(None, 2)[2] if len(self.args) > 2 else ""
        self.target = self._value(("-j", "--jump", "-g", "--goto"))
        self.comment = self._value(("--comment",))

    def _value(self, flags):
        for index, arg in enumerate(self.args[:-1]):
            if arg in flags:
                return self.args[index + 1]
        return None

    def option(self, flag):
        """Value of an option unless negated (`! -d x` gives None)."""
        for index, arg in enumerate(self.args[:-1]):
            if arg == flag and not (index > 0 and self.args[index - 1] == "!"):
                return self.args[index + 1]
        return None

    def negated(self, flag):
        return any(arg == flag and index > 0 and self.args[index - 1] == "!" for index, arg in enumerate(self.args))

    @property
    def owned(self):
        return is_owned_comment(self.comment)


class SavedTable(object):
    def __init__(self, name):
        self.name = name
        self.policies = {}
        self.chain_order = []
        self.rules = []

    def chain_rules(self, chain):
        return [r for r in self.rules if r.chain == chain]

    def rule_blocks(self, rule, seen=None):
        if rule.owned:
            return False
        if rule.target in DROP_TARGETS:
            return True
        if rule.target in self.policies and rule.target not in BUILTIN_CHAINS:
            seen = set() if seen is None else seen
            if rule.target in seen:
                return False
            seen.add(rule.target)
            return any(self.rule_blocks(inner, seen) for inner in self.chain_rules(rule.target))
        return False

    def first_blocking_index(self, chain, rules=None):
        """0-based index in the chain's rules of the first rule that can drop, or None."""
        rules = self.chain_rules(chain) if rules is None else rules
        for index, rule in enumerate(rules):
            if self.rule_blocks(rule):
                return index
        return None

    def chain_blocks(self, chain):
        return self.policies.get(chain) == "DROP" or self.first_blocking_index(chain) is not None


def parse_save(text):
    """{table name: SavedTable} in file order; comments and warnings are ignored."""
    tables = {}
    current = None
    for raw in (text or "").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("*"):
            current = SavedTable(line[1:])
            tables[current.name] = current
        elif current is None or line == "COMMIT":
            continue
        elif line.startswith(":"):
            parts = line[1:].split()
            current.policies[parts[0]] = parts[1] if len(parts) > 1 else "-"
            current.chain_order.append(parts[0])
        elif _COUNTERS.sub("", line).startswith("-A "):
            current.rules.append(SavedRule(line))
    return tables


def has_rules(text):
    """True if saved text holds any rule, user chain, or non-ACCEPT built-in policy."""
    for table in parse_save(text).values():
        if table.rules:
            return True
        for chain, policy in table.policies.items():
            if chain not in BUILTIN_CHAINS or policy not in ("ACCEPT", "-"):
                return True
    return False
