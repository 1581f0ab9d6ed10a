# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ufw backend: one `ufw allow out proto tcp to <destination> port 443 comment "zerto_msp.billing
egress"` rule per destination, ahead of the first user rule that denies, rejects or limits
egress. State is read from ufw's own store (user.rules, user6.rules), which ufw also persists,
and every command deletes or adds one exact rule; none works by rule number except `insert`,
whose position is computed from the state read under the collection's lock."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.base import BackendError, EgressBackend, Plan
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.files import read_text
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress import ufw_entries
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.ufw_rules import (
    add_argv,
    owned_text,
    parse_user_rules,
)

DEFAULT_RULES_PATHS = {4: "/etc/ufw/user.rules", 6: "/etc/ufw/user6.rules"}


class UfwState(object):
    def __init__(self, texts, status):
        self.texts = texts
        self.status = status
        self.rules = dict((version, parse_user_rules(texts.get(version), version)) for version in (4, 6))

    @property
    def active(self):
        return "Status: active" in self.status


def command_text(argv):
    return " ".join(["ufw"] + [("'%s'" % word) if " " in word else word for word in argv])


class UfwPlan(Plan):
    """A Plan whose script is a list of ufw argument lists, run one after the other."""

    def __init__(self, commands, expected, *args, **kwargs):
        super(UfwPlan, self).__init__(*args, **kwargs)
        self.commands = commands
        self.expected = expected


def plan_family(rules, networks, protocol, port, offset):
    """(delete argvs, add argvs, kept keys, notes, rules deleted) for one IP version; `offset` is
    the number of rules ufw lists ahead of this family (all IPv4 rules, for IPv6)."""
    wanted = set((n, protocol, port) for n in networks)
    blocking = next((i for i, r in enumerate(rules) if r.blocks_egress()), None)
    deletes, keep, notes = [], set(), []
    for index, rule in enumerate(rules):
        if not rule.owned:
            continue
        key = rule.owned_key()
        if key in wanted and key not in keep and (blocking is None or index < blocking):
            keep.add(key)
        else:
            deletes.append(rule)
    remaining = [r for r in rules if r not in deletes]
    foreign = dict((r.owned_key(), r) for r in remaining if not r.owned and r.owned_key())
    adds = []
    position = next((i for i, r in enumerate(remaining) if r.blocks_egress()), None)
    for key in sorted(wanted - keep, key=lambda k: k[0]):
        if key in foreign:
            # ufw would "update" that rule's comment, taking over a rule the collection does not own.
            notes.append("%s is already allowed by a rule the collection does not own (%s); left as it is"
                         % (key[0], foreign[key].text()))
            continue
        if position is None:
            adds.append(add_argv(*key))
        else:
            adds.append(add_argv(*key, position=offset + position + 1))
            position += 1
        keep.add(key)
    return [r.delete_argv() for r in deletes], adds, keep, notes, deletes


class UfwBackend(EgressBackend):
    name = "ufw"

    def __init__(self, runner, rules_paths=None):
        self.runner = runner
        self.rules_paths = dict(rules_paths or DEFAULT_RULES_PATHS)
        self._ufw = None

    @property
    def ufw(self):
        if self._ufw is None:
            self._ufw = self.runner.which("ufw")
            if not self._ufw:
                raise BackendError("backend ufw: the ufw command is not installed")
        return self._ufw

    def read_state(self):
        status = self.runner.run([self.ufw, "status"])[1]
        texts = dict((v, read_text(p) or "") for v, p in self.rules_paths.items())
        return UfwState(texts, status)

    def snapshot(self):
        state = self.read_state()
        verbose = self.runner.run([self.ufw, "status", "verbose"])[1]
        return {"user.rules": state.texts[4], "user6.rules": state.texts[6], "status.txt": verbose}

    def plan_allow(self, state, spec):
        if spec.filter_forward:
            raise BackendError("backend ufw: filter_forward is not supported (ufw route rules are not managed)")
        return self._plan(state, spec.networks_of, spec.protocol, spec.port)

    def plan_revoke(self, state):
        return self._plan(state, lambda version: [], "tcp", 443)

    def _plan(self, state, networks_of, protocol, port):
        deletes, adds, before, after, notes, expected = [], [], [], [], [], {}
        removed_rules = []
        for version in (4, 6):
            rules = state.rules[version]
            offset = len(state.rules[4]) if version == 6 else 0
            minus, plus, keep, skipped, gone = plan_family(rules, networks_of(version), protocol, port, offset)
            deletes.extend(minus)
            adds.extend(plus)
            notes.extend(skipped)
            removed_rules.extend(gone)
            before.extend(r.text() for r in rules if r.owned)
            after.extend(owned_text(*key) for key in sorted(keep, key=lambda k: k[0]))
            expected[version] = keep
        adds = self._shift_ipv6_inserts(state, deletes, adds, removed_rules)
        if not state.active:
            notes.append("ufw is not active: the rules are saved and take effect when ufw is enabled")
        commands = deletes + adds
        plan = UfwPlan(commands, expected, sorted(before), sorted(after),
                       [command_text(a) for a in adds], [command_text(d) for d in deletes],
                       "".join(command_text(c) + "\n" for c in commands), notes=notes)
        return plan

    @staticmethod
    def _shift_ipv6_inserts(state, deletes, adds, removed_rules):
        """IPv6 positions follow every IPv4 rule: correct them for the IPv4 rules deleted and
        inserted before them (commands run deletes first, then IPv4 adds, then IPv6 adds)."""
        v4_delta = -sum(1 for r in removed_rules if r.version == 4)
        shifted = []
        for argv in adds:
            is_v6 = ":" in argv[argv.index("to") + 1]
            if argv[0] == "insert" and is_v6:
                argv = ["insert", str(int(argv[1]) + v4_delta)] + argv[2:]
            if not is_v6:
                v4_delta += 1
            shifted.append(argv)
        return shifted

    def validate(self, plan):
        """`ufw --dry-run` each command. Inserts are checked without their position: a dry run
        does not apply the earlier commands, so later positions would not exist yet."""
        for argv in plan.commands:
            if argv[0] == "insert":
                argv = argv[2:]
            self.runner.run([self.ufw, "--dry-run"] + argv)

    def apply(self, plan):
        for argv in plan.commands:
            self.runner.run([self.ufw] + argv)
        self._verify(plan)

    def _verify(self, plan):
        """ufw exits 0 on "Skipping adding existing rule" and "Could not delete non-existent rule":
        read its store back and check that the owned rules are exactly the planned ones."""
        if plan.expected is None:
            return
        state = self.read_state()
        for version in (4, 6):
            owned = set(r.owned_key() for r in state.rules[version] if r.owned)
            if owned != plan.expected[version]:
                raise BackendError("backend ufw: after the change ufw holds %s owned IPv%d rules, expected %s"
                                   % (sorted(str(k[0]) for k in owned if k), version,
                                      sorted(str(k[0]) for k in plan.expected[version])))

    def persist(self, plan, check_mode):
        return []

    def find_entries(self, state, networks, port, protocol="tcp"):
        return ufw_entries.find_entries(state, networks, port, protocol, self.name)

    def plan_removal(self, state, entries):
        commands, before, removed = ufw_entries.removal_commands(entries, self.name)
        return UfwPlan(commands, None, before, [], [], removed, "".join(command_text(c) + "\n" for c in commands))

    def persist_removal(self, plan, check_mode):
        return []
