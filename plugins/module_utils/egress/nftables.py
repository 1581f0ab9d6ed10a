# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""nftables backend: named sets plus one accept rule ahead of the first drop in every base
chain on the egress hooks that can drop, all applied in one `nft -f` transaction."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import tempfile

from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.base import BackendError, EgressBackend, Plan
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.destinations import collapse
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.markers import (
    NFT_SET_TYPE_BY_VERSION,
    SET_NAME_BY_VERSION,
    is_owned_comment,
)
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress import nft_entries
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.nft_elements import elements_networks
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.nft_persist import plan_persist
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.nft_render import (
    add_elements,
    elements_text,
    owned_rule_signature,
    rule_text,
    set_declaration,
    table_ref,
)
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.nft_ruleset import parse_ruleset
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.nft_verdicts import (
    chain_blocks,
    egress_chains,
    family_versions,
    first_blocking_rule,
)

DEFAULT_PERSIST_PATH = "/etc/nftables.d/zerto_billing.nft"
DEFAULT_MAIN_CONFIG = "/etc/nftables.conf"


class TableWant(object):
    """The owned entries one table should hold: set members per IP version, and the chains
    that need the accept rule (each for every version that has members)."""

    def __init__(self, family, table, sets, chains, protocol, port):
        self.family = family
        self.table = table
        self.sets = sets
        self.chains = chains
        self.protocol = protocol
        self.port = port

    def lines(self):
        lines = []
        for version in sorted(self.sets):
            lines.append(_set_line(self.family, self.table, version, self.sets[version]))
        for chain in self.chains:
            for version in sorted(self.sets):
                lines.append(_rule_line(self.family, self.table, chain, rule_text(version, self.protocol, self.port)))
        return lines


def _set_line(family, table, version, networks):
    return "table %s %s set %s = { %s }" % (family, table, SET_NAME_BY_VERSION[version], elements_text(networks))


def _rule_line(family, table, chain, text):
    return "table %s %s chain %s: %s" % (family, table, chain, text)


def wants_from_owned(ruleset):
    """TableWants describing the owned entries the ruleset holds now (what to persist after a
    removal changed them)."""
    wants = []
    for table in ruleset.native_tables():
        sets = {}
        for version, set_name in SET_NAME_BY_VERSION.items():
            owned = table.sets.get(set_name)
            networks = collapse(elements_networks(owned.elements) or []) if owned is not None else []
            if networks:
                sets[version] = networks
        chains, shape = [], ("tcp", 443)
        for chain in table.ordered_chains():
            signatures = [owned_rule_signature(r) for r in chain.rules if is_owned_comment(r.comment)]
            signatures = [sig for sig in signatures if sig and sig[0] in sets]
            if signatures:
                chains.append(chain.name)
                shape = (signatures[0][2], signatures[0][3])
        if sets and chains:
            wants.append(TableWant(table.family, table.name, sets, chains, shape[0], shape[1]))
    return wants


def owned_lines(ruleset):
    """The collection's entries as they are now, in the same form as TableWant.lines()."""
    lines = []
    for table in ruleset.tables:
        for version in (4, 6):
            owned = table.sets.get(SET_NAME_BY_VERSION[version])
            if owned is not None:
                networks = collapse(elements_networks(owned.elements) or [])
                lines.append(_set_line(table.family, table.name, version, networks))
        for chain in table.ordered_chains():
            blocker = first_blocking_rule(table, chain)
            for rule in chain.rules:
                if not is_owned_comment(rule.comment):
                    continue
                signature = owned_rule_signature(rule)
                text = rule_text(signature[0], signature[2], signature[3]) if signature else "unrecognised rule"
                if blocker is not None and chain.rules.index(rule) > chain.rules.index(blocker):
                    text += "  [handle %s, behind a drop: no effect]" % rule.handle
                lines.append(_rule_line(table.family, table.name, chain.name, text))
    return lines


class NftablesBackend(EgressBackend):
    name = "nftables"

    def __init__(self, runner, persist_path=DEFAULT_PERSIST_PATH, main_config=DEFAULT_MAIN_CONFIG):
        self.runner = runner
        self.persist_path = persist_path
        self.main_config = main_config
        self._nft = None

    @property
    def nft(self):
        if self._nft is None:
            self._nft = self.runner.which("nft")
            if self._nft is None:
                raise BackendError("backend nftables: the nft binary is not installed on this host")
        return self._nft

    def read_state(self):
        rc, out, err = self.runner.run([self.nft, "-j", "list", "ruleset"])
        return parse_ruleset(out, err)

    def snapshot(self):
        json_text = self.runner.run([self.nft, "-j", "list", "ruleset"])[1]
        text = self.runner.run([self.nft, "list", "ruleset"])[1]
        return {"nftables.json": json_text, "nftables.nft": text}

    def wants(self, ruleset, spec):
        wants, notes, warnings = [], [], []
        for table in ruleset.tables:
            chains = [c for c in egress_chains(table, spec.hooks) if chain_blocks(table, c)]
            if table.looks_like_xtables():
                if chains:
                    warnings.append(
                        "table %s %s belongs to iptables-nft and can drop egress in %s; the nftables "
                        "backend leaves it alone: run the iptables backend for it"
                        % (table.family, table.name, ", ".join(c.name for c in chains))
                    )
                continue
            sets = dict((v, spec.networks_of(v)) for v in family_versions(table.family) if spec.networks_of(v))
            if sets and chains:
                wants.append(
                    TableWant(table.family, table.name, sets, [c.name for c in chains], spec.protocol, spec.port)
                )
        if not wants and not warnings:
            notes.append("no nftables base chain on the %s hook can drop this traffic: nothing to open" % "/".join(spec.hooks))
        return wants, notes, warnings

    def plan_allow(self, state, spec):
        wants, notes, warnings = self.wants(state, spec)
        return self._plan(state, wants, notes, warnings)

    def plan_revoke(self, state):
        return self._plan(state, [], [], [])

    def _plan(self, ruleset, wants, notes, warnings):
        by_table = dict(((w.family, w.table), w) for w in wants)
        delete_rules, delete_sets, add_sets, add_rules = [], [], [], []
        added, removed = [], []
        for table in ruleset.tables:
            if table.looks_like_xtables():
                continue
            want = by_table.get((table.family, table.name))
            wanted_sets = want.sets if want else {}
            ref = "%s %s" % (table.family, table.name)
            recreate = set()
            for version, set_name in SET_NAME_BY_VERSION.items():
                current = table.sets.get(set_name)
                wanted = wanted_sets.get(version)
                if current is not None:
                    malformed = (
                        current.is_map
                        or current.type != NFT_SET_TYPE_BY_VERSION[version]
                        or "interval" not in current.flags
                    )
                    if wanted is None or malformed:
                        delete_sets.append("delete set %s %s" % (table_ref(table.family, table.name), set_name))
                        removed.append("table %s set %s" % (ref, set_name))
                        if wanted is not None:
                            recreate.add(version)
                        current = None
                if wanted is None:
                    continue
                if current is None:
                    add_sets.append(set_declaration(table.family, table.name, version))
                    add_sets.append(add_elements(table.family, table.name, version, wanted))
                    added.append("table %s set %s { %s }" % (ref, set_name, elements_text(wanted)))
                    continue
                have = collapse(elements_networks(current.elements) or [])
                if have != wanted:
                    add_sets.append("flush set %s %s" % (table_ref(table.family, table.name), set_name))
                    add_sets.append(add_elements(table.family, table.name, version, wanted))
                    new = [n for n in wanted if n not in have]
                    gone = [n for n in have if n not in wanted]
                    if new:
                        added.append("table %s set %s elements { %s }" % (ref, set_name, elements_text(new)))
                    if gone:
                        removed.append("table %s set %s elements { %s }" % (ref, set_name, elements_text(gone)))
            for chain in table.ordered_chains():
                wanted_versions = sorted(wanted_sets) if want and chain.name in want.chains else []
                self._plan_chain(table, chain, want, wanted_versions, recreate, delete_rules, add_rules, added, removed)
        script = delete_rules + delete_sets + add_sets + add_rules
        after = []
        for want in wants:
            after.extend(want.lines())
        return Plan(sorted(owned_lines(ruleset)), sorted(after), added, removed, "".join(s + "\n" for s in script), wants, notes, warnings)

    @staticmethod
    def _plan_chain(table, chain, want, wanted_versions, recreate, delete_rules, add_rules, added, removed):
        blocker = first_blocking_rule(table, chain)
        blocker_index = chain.rules.index(blocker) if blocker is not None else None
        where = "table %s %s chain %s" % (table.family, table.name, chain.name)
        kept = set()
        for index, rule in enumerate(chain.rules):
            if not is_owned_comment(rule.comment):
                continue
            signature = owned_rule_signature(rule)
            good = (
                signature is not None
                and signature[0] in wanted_versions
                and signature[0] not in kept
                and signature[0] not in recreate
                and signature[1] == SET_NAME_BY_VERSION[signature[0]]
                and (signature[2], signature[3]) == (want.protocol, want.port)
                and (blocker_index is None or index < blocker_index)
            )
            if good:
                kept.add(signature[0])
                continue
            delete_rules.append(
                "delete rule %s %s handle %d" % (table_ref(table.family, table.name), chain.name, rule.handle)
            )
            shown = rule_text(signature[0], signature[2], signature[3]) if signature else "unrecognised owned rule"
            removed.append("%s rule %s (handle %d)" % (where, shown, rule.handle))
        for version in wanted_versions:
            if version in kept:
                continue
            text = rule_text(version, want.protocol, want.port)
            if blocker is not None:
                add_rules.append(
                    "insert rule %s %s position %d %s" % (table_ref(table.family, table.name), chain.name, blocker.handle, text)
                )
            else:
                add_rules.append("add rule %s %s %s" % (table_ref(table.family, table.name), chain.name, text))
            added.append("%s rule %s" % (where, text))

    def _run_script(self, script, check_only):
        fd, path = tempfile.mkstemp(prefix="zerto_billing.", suffix=".nft")
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(script)
            argv = [self.nft, "-c", "-f", path] if check_only else [self.nft, "-f", path]
            self.runner.run(argv)
        finally:
            os.unlink(path)

    def validate(self, plan):
        if plan.script:
            self._run_script(plan.script, check_only=True)

    def apply(self, plan):
        if plan.script:
            self._run_script(plan.script, check_only=False)

    def persist(self, plan, check_mode):
        changes, warnings = plan_persist(plan.desired or [], self.persist_path, self.main_config)
        plan.warnings.extend(warnings)
        changed = [c for c in changes if c.changed]
        if not check_mode:
            for change in changed:
                change.write()
        return changed

    def find_entries(self, state, networks, port, protocol="tcp"):
        return nft_entries.find_entries(state, networks, port, protocol)

    def plan_removal(self, state, entries):
        return nft_entries.plan_removal(state, entries)

    def persist_removal(self, plan, check_mode):
        """Rewrite the collection's own persisted file from the owned entries left after the
        removal. Hand-made entries in the main configuration are reported, not edited."""
        plan.desired = wants_from_owned(self.read_state()) if not check_mode else plan.desired
        if plan.desired is None:
            return []
        return self.persist(plan, check_mode)
