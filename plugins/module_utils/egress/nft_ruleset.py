# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parsing `nft -j list ruleset` into tables, chains (rules in order), and sets."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

XTABLES_TABLE_NAMES = ("filter", "nat", "mangle", "raw", "security")
XTABLES_CHAIN_NAMES = ("INPUT", "OUTPUT", "FORWARD", "PREROUTING", "POSTROUTING")
# nft prints this on stderr for tables created by iptables-nft (newer releases).
_MANAGED_WARNING = re.compile(r"table (\w+) (\S+) is managed by iptables-nft")


class NftRule(object):
    def __init__(self, raw):
        self.family = raw["family"]
        self.table = raw["table"]
        self.chain = raw["chain"]
        self.handle = raw["handle"]
        self.expr = raw.get("expr", [])
        self.comment = raw.get("comment")


class NftChain(object):
    def __init__(self, raw):
        self.family = raw["family"]
        self.table = raw["table"]
        self.name = raw["name"]
        self.handle = raw.get("handle")
        self.type = raw.get("type")
        self.hook = raw.get("hook")
        self.prio = raw.get("prio")
        self.policy = raw.get("policy")
        self.rules = []

    @property
    def is_base(self):
        return self.hook is not None


class NftSet(object):
    def __init__(self, raw):
        self.family = raw["family"]
        self.table = raw["table"]
        self.name = raw["name"]
        self.handle = raw.get("handle")
        self.type = raw.get("type")
        self.flags = list(raw.get("flags", []))
        self.elements = list(raw.get("elem", []))
        self.is_map = "map" in raw


class NftTable(object):
    def __init__(self, family, name):
        self.family = family
        self.name = name
        self.chains = {}
        self.chain_order = []
        self.sets = {}
        self.managed_by_iptables = False

    @property
    def key(self):
        return (self.family, self.name)

    def ordered_chains(self):
        return [self.chains[name] for name in self.chain_order]

    def looks_like_xtables(self):
        """iptables-nft's tables: xt expressions, or the classic table and chain names."""
        if self.managed_by_iptables:
            return True
        for chain in self.chains.values():
            for rule in chain.rules:
                if any(isinstance(e, dict) and "xt" in e for e in rule.expr):
                    return True
        base = [c for c in self.chains.values() if c.is_base]
        return (
            self.family in ("ip", "ip6", "arp", "bridge")
            and self.name in XTABLES_TABLE_NAMES
            and bool(base)
            and all(c.name in XTABLES_CHAIN_NAMES for c in base)
        )


class NftRuleset(object):
    def __init__(self, tables, text):
        self.tables = tables
        self.text = text

    def table(self, family, name):
        for table in self.tables:
            if table.family == family and table.name == name:
                return table
        return None

    def native_tables(self):
        return [t for t in self.tables if not t.looks_like_xtables()]

    def xtables_tables(self):
        return [t for t in self.tables if t.looks_like_xtables()]


def parse_ruleset(json_text, stderr_text=""):
    data = json.loads(json_text) if json_text.strip() else {"nftables": []}
    tables = []
    by_key = {}

    def table_for(family, name):
        key = (family, name)
        if key not in by_key:
            by_key[key] = NftTable(family, name)
            tables.append(by_key[key])
        return by_key[key]

    for item in data.get("nftables", []):
        if "table" in item:
            table_for(item["table"]["family"], item["table"]["name"])
        elif "chain" in item:
            chain = NftChain(item["chain"])
            table = table_for(chain.family, chain.table)
            table.chains[chain.name] = chain
            table.chain_order.append(chain.name)
        elif "set" in item or "map" in item:
            raw = item.get("set") or item.get("map")
            nft_set = NftSet(raw)
            if "map" in item:
                nft_set.is_map = True
            table_for(nft_set.family, nft_set.table).sets[nft_set.name] = nft_set
        elif "rule" in item:
            rule = NftRule(item["rule"])
            table = table_for(rule.family, rule.table)
            table.chains[rule.chain].rules.append(rule)
    for family, name in _MANAGED_WARNING.findall(stderr_text or ""):
        if (family, name) in by_key:
            by_key[(family, name)].managed_by_iptables = True
    return NftRuleset(tables, json_text)
