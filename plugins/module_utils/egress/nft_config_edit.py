# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Planning the edit of a persisted nftables configuration after a live removal: the rule lines
and set elements that hold the removed live entries go, everything else stays byte-identical,
and whatever about the given destinations cannot be matched unambiguously is left for review."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import difflib
import re

from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.destinations import covered_by, overlaps_any
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.files import FileChange
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.nft_config_shapes import (
    element_items,
    mentioned_networks,
    rule_shape,
)
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.nft_elements import value_networks as json_networks


class ConfigEditPlan(object):
    """changes: FileChanges; edits: [{file, line, before, after}]; manual_review: [str]."""

    def __init__(self, changes, edits, manual_review):
        self.changes, self.edits, self.manual_review = changes, edits, manual_review


def _live_rule_key(entry):
    allow = entry.ref
    daddr = allow.daddr if isinstance(allow.daddr, str) and allow.daddr.startswith("@") else frozenset(json_networks(allow.daddr) or [])
    loc = entry.location
    return (loc["family"], loc["table"], loc["chain"], daddr, frozenset(allow.ports or []))


def _config_rule_key(statement, shape):
    block = statement.block
    return (block.family, block.table, block.name, shape.daddr, shape.ports)


def _whole_lines(text, start, end):
    """Span of the lines holding text[start:end] when nothing else is on them, else None."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end + 1
    after = text[end:line_end].split("#", 1)[0]
    if text[line_start:start].strip() or after.strip() not in ("", ";"):
        return None
    return line_start, line_end


class _Planner(object):
    def __init__(self, configs, entries, targets, port, protocol):
        self.configs, self.targets, self.port, self.protocol = configs, targets, port, protocol
        self.spans = dict((c.path, []) for c in configs)
        self.review = []
        self.decided = set()
        live = [e for e in entries if e.backend == "nftables" and e.action in ("remove", "narrow")]
        self.live_rules = {}
        for entry in live:
            if entry.kind == "rule" and entry.ref is not None:
                self.live_rules.setdefault(_live_rule_key(entry), []).append(entry)
        self.live_sets = dict(((e.location["family"], e.location["table"], e.location["set"]), e)
                              for e in live if e.kind == "set")

    def statements(self):
        return (statement for config in self.configs for statement in config.statements)

    def concerns_port(self, shape):
        return (shape is not None and shape.verdict == "accept"
                and (shape.ports is None or self.port in shape.ports)
                and shape.protocol in (None, self.protocol, "th"))

    def manual(self, statement, reason):
        self.decided.add(id(statement))
        self.review.append("nftables config %s: %s (%s)" % (statement.where, " ".join(statement.text.split()), reason))

    def delete(self, statement, span):
        self.decided.add(id(statement))
        self.spans[statement.config.path].append(span)

    def plan_rules(self):
        found = {}
        for statement in self.statements():
            block = statement.block
            if block is None or block.kind != "chain":
                continue
            shape = rule_shape(statement.text)
            if shape is not None and self.concerns_port(shape):
                found.setdefault(_config_rule_key(statement, shape), []).append(statement)
        for key, statements in found.items():
            live = self.live_rules.get(key, [])
            if not live:
                continue
            if len(live) != len(statements):
                for statement in statements:
                    self.manual(statement, "%d such lines in the configuration for %d live rules: ambiguous" % (len(statements), len(live)))
                continue
            for statement in statements:
                span = _whole_lines(statement.config.text, statement.start, statement.end)
                if span is None:
                    self.manual(statement, "shares its line with other statements")
                else:
                    self.delete(statement, span)

    def set_used_on_port(self, block):
        for statement in self.statements():
            other = statement.block
            if other is None or other.kind != "chain" or (other.family, other.table) != (block.family, block.table):
                continue
            if re.search(r"@%s(?![A-Za-z0-9_./-])" % re.escape(block.name), statement.text):
                shape = rule_shape(statement.text)
                if shape is None or self.concerns_port(shape):
                    return True
        return False

    def plan_sets(self):
        for statement in self.statements():
            block = statement.block
            if block is None or block.kind not in ("set", "map"):
                continue
            items = element_items(statement.text, statement.start)
            mentions = [n for n in mentioned_networks(statement.text) if overlaps_any(n, self.targets)]
            if not mentions:
                continue
            live = self.live_sets.get((block.family, block.table, block.name))
            if live is None:
                if self.set_used_on_port(block):
                    self.manual(statement, "set holds the given destinations; its live set was not changed")
                else:
                    self.decided.add(id(statement))
                continue
            if block.kind == "map" or items is None or any(nets is None for s, e, nets in items):
                self.manual(statement, "set elements in a form this module does not edit")
                continue
            legacy = [(s, e) for s, e, nets in items if all(covered_by(n, self.targets) for n in nets)]
            wider = [1 for s, e, nets in items if (s, e) not in legacy and any(overlaps_any(n, self.targets) for n in nets)]
            if wider:
                self.manual(statement, "an element covers more than the given destinations")
            elif live.action == "remove" and len(legacy) == len(items):
                self.remove_set(statement, block)
            elif live.action == "narrow" and len(legacy) < len(items):
                self.remove_elements(statement, items, legacy)
            else:
                self.manual(statement, "the set here does not hold what the live set held")

    def remove_set(self, statement, block):
        config = statement.config
        span = _whole_lines(config.text, block.start, block.end) if block.end else None
        if span is None:
            self.manual(statement, "set block shares its lines with other statements")
        else:
            self.delete(statement, span)

    def remove_elements(self, statement, items, legacy):
        text = statement.config.text
        lines = [_whole_lines(text, s, e + (1 if text[e:e + 1] == "," else 0)) for s, e in legacy]
        if all(lines):
            for span in lines:
                self.delete(statement, span)
            return
        kept = [index for index, (s, e, nets) in enumerate(items) if (s, e) not in legacy]
        for index, (s, e, nets) in enumerate(items):
            if index in kept:
                continue
            following = [k for k in kept if k > index]
            preceding = [k for k in kept if k < index]
            if following:
                self.delete(statement, (s, items[following[0]][0]))
            else:
                self.delete(statement, (items[preceding[-1]][1], e))

    def flag_the_rest(self):
        for statement in self.statements():
            if id(statement) in self.decided:
                continue
            if not [n for n in mentioned_networks(statement.text) if overlaps_any(n, self.targets)]:
                continue
            shape = rule_shape(statement.text)
            if shape is not None and not self.concerns_port(shape):
                continue
            if shape is not None and statement.block is not None and statement.block.kind == "chain":
                reason = "no live rule removed for it"
            else:
                reason = "not in a form this module edits"
            self.manual(statement, reason)

    def plan(self):
        self.plan_rules()
        self.plan_sets()
        self.flag_the_rest()
        changes, edits = [], []
        for config in self.configs:
            spans = _merged(self.spans[config.path])
            if not spans:
                continue
            after = config.text
            for start, end in reversed(spans):
                after = after[:start] + after[end:]
            changes.append(FileChange(config.path, config.text, after))
            edits.extend(line_edits(config.path, config.text, after))
        return ConfigEditPlan(changes, edits, self.review)


def _merged(spans):
    merged = []
    for start, end in sorted(set(spans)):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def line_edits(path, before, after):
    """[{file, line, before, after}] per changed group of lines (line numbers of `before`)."""
    old, new = before.splitlines(True), after.splitlines(True)
    edits = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag != "equal":
            edits.append({"file": path, "line": i1 + 1, "before": "".join(old[i1:i2]), "after": "".join(new[j1:j2])})
    return edits


def plan_config_edit(configs, entries, targets, port, protocol="tcp"):
    """ConfigEditPlan for `configs` (nft_config.ConfigFile) after removing `entries` live."""
    return _Planner(configs, entries, targets, port, protocol).plan()
