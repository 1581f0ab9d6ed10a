# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""iptables backend (iptables for IPv4, ip6tables for IPv6; nft or legacy variant): one
commented ACCEPT rule per destination in filter OUTPUT (and FORWARD), ahead of the first rule
that can drop, applied per family as one `iptables-restore --noflush --wait` delta."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.base import BackendError, EgressBackend, Plan
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.files import FileChange, read_text
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress import iptables_entries
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.iptables_persist import update_rules_text
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.iptables_render import (
    delete_line,
    insert_line,
    owned_rule_key,
    rule_line,
)
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.iptables_save import SavedTable, parse_save

DEFAULT_PERSIST_PATHS = {4: "/etc/iptables/rules.v4", 6: "/etc/iptables/rules.v6"}
TOOL_BY_VERSION = {4: "iptables", 6: "ip6tables"}
CHAIN_BY_HOOK = {"output": "OUTPUT", "forward": "FORWARD"}


def tool_names(version, variant):
    """(save, restore) binary names; variant is "nft", "legacy" or None (the unsuffixed tools)."""
    base = TOOL_BY_VERSION[version]
    if variant:
        return "%s-%s-save" % (base, variant), "%s-%s-restore" % (base, variant)
    return "%s-save" % base, "%s-restore" % base


class FamilyState(object):
    """The filter table of one IP version as iptables-save printed it."""

    def __init__(self, version, text):
        self.version = version
        self.text = text
        self.table = parse_save(text).get("filter") or SavedTable("filter")


def plan_family(state, chains, networks, protocol, port):
    """(restore lines, added, removed, wanted lines by chain) for one IP version."""
    table = state.table
    restore, added, removed = [], [], []
    wanted_by_chain = {}
    for chain in sorted(set(table.policies) | set(CHAIN_BY_HOOK.values())):
        rules = table.chain_rules(chain)
        blocks = table.chain_blocks(chain) if chain in chains else False
        wanted = dict(((chain, n, protocol, port), rule_line(chain, n, protocol, port)) for n in networks) if blocks else {}
        wanted_by_chain[chain] = [wanted[key] for key in sorted(wanted, key=lambda k: k[1])]
        blocking = table.first_blocking_index(chain)
        owned = [(i, r, owned_rule_key(r)) for i, r in enumerate(rules) if r.owned]
        # A wanted rule is kept only if it is there exactly once and ahead of the first drop;
        # otherwise every copy goes and a fresh one is inserted (deleting by spec cannot pick
        # which copy of a duplicate goes).
        counts = {}
        for position, rule, key in owned:
            counts[key] = counts.get(key, 0) + 1
        keep = set()
        for index, rule, key in owned:
            if key in wanted and counts[key] == 1 and (blocking is None or index < blocking):
                keep.add(key)
        for position, rule, key in owned:
            if key not in keep:
                restore.append(delete_line(rule.line))
                removed.append("%s: %s" % (TOOL_BY_VERSION[state.version], rule.line))
        remaining = [r for position, r, key in owned if key in keep] + [r for r in rules if not r.owned]
        remaining.sort(key=rules.index)
        position = table.first_blocking_index(chain, remaining)
        missing = [line for key, line in sorted(wanted.items(), key=lambda kv: kv[0][1]) if key not in keep]
        for offset, line in enumerate(missing):
            restore.append(line if position is None else insert_line(line, position + 1 + offset))
            added.append("%s: %s" % (TOOL_BY_VERSION[state.version], line))
    return restore, added, removed, wanted_by_chain


def owned_lines(state):
    tool = TOOL_BY_VERSION[state.version]
    lines = []
    for rule in state.table.rules:
        if rule.owned:
            key = owned_rule_key(rule)
            lines.append("%s: %s" % (tool, rule_line(*key) if key else rule.line))
    return lines


class IptablesBackend(EgressBackend):
    name = "iptables"

    def __init__(self, runner, variant, persist_paths=None, wait_seconds=60):
        self.runner = runner
        self.variant = variant
        self.persist_paths = dict(persist_paths or DEFAULT_PERSIST_PATHS)
        self.wait_seconds = int(wait_seconds)
        self._tools = {}

    def describe(self):
        return {"name": self.name, "variant": self.variant}

    def tools(self, version):
        """(save, restore) paths for this variant, or None when the host lacks that family."""
        if version not in self._tools:
            found = None
            for variant in (self.variant, None):
                save, restore = tool_names(version, variant)
                save_path, restore_path = self.runner.which(save), self.runner.which(restore)
                if save_path and restore_path:
                    found = (save_path, restore_path)
                    break
            if found is None and version == 4:
                raise BackendError(
                    "backend iptables: %s-save/%s-restore (%s variant) are not installed"
                    % (TOOL_BY_VERSION[4], TOOL_BY_VERSION[4], self.variant)
                )
            self._tools[version] = found
        return self._tools[version]

    def _save(self, version):
        tools = self.tools(version)
        if tools is None:
            return ""
        return self.runner.run([tools[0], "-t", "filter"])[1]

    def read_state(self):
        return dict((version, FamilyState(version, self._save(version))) for version in (4, 6))

    def snapshot(self):
        snap = {}
        for version in (4, 6):
            tools = self.tools(version)
            if tools is not None:
                snap["%s-save.txt" % TOOL_BY_VERSION[version]] = self.runner.run([tools[0], "-c"])[1]
        return snap

    def plan_allow(self, state, spec):
        chains = [CHAIN_BY_HOOK[hook] for hook in spec.hooks]
        return self._plan(state, chains, spec.networks_of, spec.protocol, spec.port)

    def plan_revoke(self, state):
        return self._plan(state, [], lambda version: [], "tcp", 443)

    def _plan(self, state, chains, networks_of, protocol, port):
        script, added, removed, before, after, wanted = {}, [], [], [], [], {}
        notes = []
        for version in (4, 6):
            family = state[version]
            if networks_of(version) and self.tools(version) is None:
                raise BackendError("backend iptables: IPv%d destinations given but %s is not installed" % (version, TOOL_BY_VERSION[version]))
            lines, plus, minus, wanted_by_chain = plan_family(family, chains, networks_of(version), protocol, port)
            before.extend(owned_lines(family))
            for chain_lines in wanted_by_chain.values():
                after.extend("%s: %s" % (TOOL_BY_VERSION[version], line) for line in chain_lines)
            if lines:
                script[version] = "*filter\n" + "".join(line + "\n" for line in lines) + "COMMIT\n"
            added.extend(plus)
            removed.extend(minus)
            wanted[version] = (wanted_by_chain, dict(family.table.policies), family.text)
            if networks_of(version) and not any(wanted_by_chain.values()):
                notes.append("%s: no filter chain among %s can drop this traffic: nothing to open" % (TOOL_BY_VERSION[version], ", ".join(chains)))
        plan = Plan(sorted(before), sorted(after), added, removed, script, wanted, notes)
        return plan

    def apply(self, plan):
        for version in sorted(plan.script):
            restore = self.tools(version)[1]
            self.runner.run([restore, "--wait=%d" % self.wait_seconds, "--noflush"], data=plan.script[version])

    def validate(self, plan):
        for version in sorted(plan.script):
            restore = self.tools(version)[1]
            self.runner.run([restore, "--test", "--wait=%d" % self.wait_seconds, "--noflush"], data=plan.script[version])

    def persist(self, plan, check_mode):
        changes = []
        for version, (wanted_by_chain, policies, saved_text) in sorted((plan.desired or {}).items()):
            path = self.persist_paths.get(version)
            if not path:
                continue
            current = read_text(path)
            if current is None:
                if not any(wanted_by_chain.values()):
                    continue
                base = "\n".join(l for l in saved_text.splitlines() if not l.startswith("# Warning")) + "\n"
            else:
                base = current
            change = FileChange(path, current, update_rules_text(base, wanted_by_chain, policies))
            if change.changed:
                changes.append(change)
        if not check_mode:
            for change in changes:
                change.write()
        return changes

    def find_entries(self, state, networks, port, protocol="tcp"):
        return iptables_entries.find_entries(state, networks, port, protocol, self.name)

    def plan_removal(self, state, entries):
        return iptables_entries.plan_removal(entries, self.name)

    def persist_removal(self, plan, check_mode):
        """Drop the removed rules from rules.v4 / rules.v6 (each once), nothing else."""
        changes = []
        for version, lines in sorted((plan.desired or {}).items()):
            path = self.persist_paths.get(version)
            current = read_text(path) if path else None
            if current is None:
                continue
            specs = ["-A" + line[2:] for line in lines]
            change = FileChange(path, current, iptables_entries.strip_rules_text(current, specs))
            if change.changed:
                changes.append(change)
        if not check_mode:
            for change in changes:
                change.write()
        return changes
