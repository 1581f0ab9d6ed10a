# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""firewalld backend (firewalld 0.9+): a policy object of the collection's own, `zerto-billing`,
from HOST to ANY, evaluated before every other policy with HOST among its ingress zones, holding
one rich rule per IP version that accepts the port to an ipset of the destinations
(`zerto-billing-v4`, `zerto-billing-v6`, hash:net). Runtime and permanent configuration are kept
in step: ipset entries and rich rules change in both; creating or deleting the policy or an
ipset (which firewalld allows only in the permanent configuration) is followed by
`firewall-cmd --reload`, and only when runtime and permanent agree on everything else (a reload
would discard runtime-only changes)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import os

from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.base import BackendError, EgressBackend, Plan
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.destinations import network_text
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.files import read_text
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress import firewalld_entries
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.firewalld_cmd import (
    PERMANENT,
    RUNTIME,
    VIEWS,
    FirewallCmd,
    parse_direct_rules,
    parse_listing,
    words,
)

POLICY = "zerto-billing"
CONFIG_DIR = "/etc/firewalld"
CONFIG_SUBDIRS = ("zones", "policies", "ipsets")
IPSET_BY_VERSION = {4: "zerto-billing-v4", 6: "zerto-billing-v6"}
FAMILY_BY_VERSION = {4: ("ipv4", "inet"), 6: ("ipv6", "inet6")}


def rich_rule(version, protocol, port):
    return 'rule family="%s" destination ipset="%s" port port="%d" protocol="%s" accept' % (
        FAMILY_BY_VERSION[version][0], IPSET_BY_VERSION[version], port, protocol)


def entry_key(text):
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return text


class FirewalldView(object):
    """One of firewalld's two configurations (runtime or permanent) as firewall-cmd lists it."""

    def __init__(self, cmd, view):
        self.cmd = cmd
        self.view = view
        self._read = {}

    def _cached(self, what, reader):
        # Every firewall-cmd call costs a D-Bus round trip and a Python start: read only what is used.
        if what not in self._read:
            self._read[what] = reader()
        return self._read[what]

    @classmethod
    def read(cls, cmd, view):
        return cls(cmd, view)

    @property
    def policies(self):
        return self._cached("policies", lambda: parse_listing(self.cmd.run(["--list-all-policies"], self.view)))

    @property
    def zones(self):
        return self._cached("zones", lambda: parse_listing(self.cmd.run(["--list-all-zones"], self.view)))

    @property
    def ipsets(self):
        return self._cached("ipsets", lambda: self.cmd.ipsets(self.view))

    @property
    def ipset_names(self):
        return self._cached("ipset names", lambda: words(self.cmd.run(["--get-ipsets"], self.view)))

    def ipset(self, name):
        """--info-ipset of one ipset, or None when it does not exist."""
        if "ipsets" in self._read:
            return self.ipsets.get(name)
        if name not in self.ipset_names:
            return None
        return self._cached("ipset " + name, lambda: parse_listing(self.cmd.run(["--info-ipset=%s" % name], self.view)).get(name))

    @property
    def direct(self):
        return self._cached("direct", lambda: parse_direct_rules(self.cmd.run(["--direct", "--get-all-rules"], self.view)))

    def owned_entry_texts(self, version):
        """{network: the entry as firewalld spells it} of the collection's ipset for that version."""
        ipset = self.ipset(IPSET_BY_VERSION[version])
        return dict((entry_key(e), e) for e in words(ipset.get("entries"))) if ipset is not None else {}

    def owned_entries(self, version):
        return set(self.owned_entry_texts(version))

    def owned_rules(self):
        policy = self.policies.get(POLICY)
        return set(policy["rich rules"]) if policy is not None else set()

    def foreign(self):
        """Everything but the collection's own objects, for comparing runtime with permanent."""
        # Interfaces bound to zones at runtime (by NetworkManager) survive a reload: not a difference.
        zones = dict((k, dict((key, value) for key, value in v.items() if key != "interfaces")) for k, v in self.zones.items())
        return ({k: v for k, v in self.policies.items() if k != POLICY}, zones,
                {k: v for k, v in self.ipsets.items() if k not in IPSET_BY_VERSION.values()}, sorted(self.direct))

    def lines(self):
        found = ["policy %s: %s" % (POLICY, rule) for rule in sorted(self.owned_rules())]
        for version in (4, 6):
            found += ["ipset %s: %s" % (IPSET_BY_VERSION[version], text)
                      for key, text in sorted(self.owned_entry_texts(version).items(), key=lambda kv: str(kv[0]))]
        return found


class FirewalldState(object):
    def __init__(self, views):
        self.views = views

    def drift(self):
        """Names of the objects (not the collection's) whose runtime and permanent forms differ."""
        runtime, permanent = self.views[RUNTIME].foreign(), self.views[PERMANENT].foreign()
        differing = []
        for kind, left, right in (("policy", runtime[0], permanent[0]), ("zone", runtime[1], permanent[1]),
                                  ("ipset", runtime[2], permanent[2])):
            differing += ["%s %s" % (kind, name) for name in sorted(set(left) | set(right)) if left.get(name) != right.get(name)]
        if runtime[3] != permanent[3]:
            differing.append("direct rules")
        return differing


def wanted_priority(policies):
    """Just ahead of every other policy that has HOST among its ingress zones (at most -1)."""
    others = [int(p.get("priority", "-1")) for name, p in policies.items()
              if name != POLICY and "HOST" in words(p.get("ingress-zones"))]
    ours = policies.get(POLICY)
    if ours is not None and all(int(ours.get("priority", "0")) < o for o in others) and int(ours.get("priority", "0")) < 0:
        return int(ours["priority"])
    return max(-32768, min([0] + others) - 1)


class FirewalldPlan(Plan):
    def __init__(self, commands, expected, *args, **kwargs):
        super(FirewalldPlan, self).__init__(*args, **kwargs)
        self.commands = commands
        self.expected = expected


def command_text(view, args):
    if args == ["--reload"]:
        return "firewall-cmd --reload"
    return " ".join(["firewall-cmd"] + (["--permanent"] if view == PERMANENT else []) + ["'%s'" % a if " " in a else a for a in args])


class FirewalldBackend(EgressBackend):
    name = "firewalld"

    def __init__(self, runner):
        self.runner = runner
        self.cmd = FirewallCmd(runner)

    def read_state(self):
        if not self.cmd.running():
            raise BackendError("backend firewalld: firewalld is not running (`firewall-cmd --state`)")
        return FirewalldState(dict((view, FirewalldView.read(self.cmd, view)) for view in VIEWS))

    def snapshot(self):
        snap = {}
        for view in VIEWS:
            for name, args in (("policies", ["--list-all-policies"]), ("zones", ["--list-all-zones"]),
                               ("direct", ["--direct", "--get-all-rules"])):
                snap["%s-%s.txt" % (view, name)] = self.cmd.run(args, view)
            snap["%s-ipsets.txt" % view] = "".join(
                self.cmd.run(["--info-ipset=%s" % n], view) + "\n" for n in words(self.cmd.run(["--get-ipsets"], view)))
        snap.update(self.config_files())
        return snap

    def config_files(self):
        """The permanent configuration as firewalld stores it: {"etc-firewalld/<dir>/<file>": xml}."""
        files = {}
        for sub in CONFIG_SUBDIRS:
            directory = os.path.join(CONFIG_DIR, sub)
            for name in sorted(os.listdir(directory)) if os.path.isdir(directory) else []:
                if name.endswith(".xml"):
                    files["etc-firewalld/%s/%s" % (sub, name)] = read_text(os.path.join(directory, name))
        direct = read_text(os.path.join(CONFIG_DIR, "direct.xml"))
        if direct is not None:
            files["etc-firewalld/direct.xml"] = direct
        return files

    def plan_allow(self, state, spec):
        if spec.filter_forward:
            raise BackendError("backend firewalld: filter_forward is not supported (forwarded traffic is a policy between zones)")
        wanted = dict((v, set(spec.networks_of(v))) for v in (4, 6))
        return self._plan(state, wanted, spec.protocol, spec.port)

    def plan_revoke(self, state):
        return self._plan(state, {4: set(), 6: set()}, "tcp", 443)

    def _plan(self, state, wanted, protocol, port):
        permanent = state.views[PERMANENT]
        rules = set(rich_rule(v, protocol, port) for v in (4, 6) if wanted[v])
        present = bool(rules)
        priority = wanted_priority(permanent.policies) if present else None
        structural = self._structural(state, wanted, priority)
        commands = []
        if structural:
            commands = self._permanent_commands(permanent, wanted, rules, priority)
            if commands:
                commands.append((RUNTIME, ["--reload"]))
        else:
            for view in VIEWS:
                commands += self._entry_commands(state.views[view], wanted, rules, view)
        before = permanent.lines()
        after = ["policy %s: %s" % (POLICY, r) for r in sorted(rules)]
        for v in (4, 6):
            after += ["ipset %s: %s" % (IPSET_BY_VERSION[v], network_text(n)) for n in sorted(wanted[v])]
        added = [command_text(*c) for c in commands if any(a.startswith(("--add", "--new", "--set")) for a in c[1])]
        removed = [command_text(*c) for c in commands if any(a.startswith(("--remove", "--delete")) for a in c[1])]
        expected = {"rules": rules, 4: wanted[4], 6: wanted[6]}
        plan = FirewalldPlan(commands, expected, before, after, added, removed,
                             "".join(command_text(*c) + "\n" for c in commands))
        if structural and commands and state.drift():
            plan.warnings.append("runtime and permanent configuration differ (%s)" % ", ".join(state.drift()))
            plan.blocked = state.drift()
        return plan

    @staticmethod
    def _structural(state, wanted, priority):
        present = bool(wanted[4] or wanted[6])
        for view in VIEWS:
            policies, ipsets = state.views[view].policies, state.views[view].ipset_names
            if (POLICY in policies) != present:
                return True
            if present:
                policy = policies[POLICY]
                if (words(policy.get("ingress-zones")) != ["HOST"] or words(policy.get("egress-zones")) != ["ANY"]
                        or int(policy.get("priority", "0")) != priority):
                    return True
            for v in (4, 6):
                if (IPSET_BY_VERSION[v] in ipsets) != bool(wanted[v]):
                    return True
        return False

    @staticmethod
    def _permanent_commands(permanent, wanted, rules, priority):
        commands = []
        policy = permanent.policies.get(POLICY)
        if policy is not None:
            commands.append((PERMANENT, ["--delete-policy=%s" % POLICY]))
        for v in (4, 6):
            name = IPSET_BY_VERSION[v]
            if name in permanent.ipset_names and not wanted[v]:
                commands.append((PERMANENT, ["--delete-ipset=%s" % name]))
            elif wanted[v]:
                if name not in permanent.ipset_names:
                    commands.append((PERMANENT, ["--new-ipset=%s" % name, "--type=hash:net", "--family=%s" % FAMILY_BY_VERSION[v][1]]))
                texts = permanent.owned_entry_texts(v)
                have = set(texts)
                commands += [(PERMANENT, ["--ipset=%s" % name, "--remove-entry=%s" % texts[e]]) for e in sorted(have - wanted[v], key=str)]
                commands += [(PERMANENT, ["--ipset=%s" % name, "--add-entry=%s" % network_text(n)]) for n in sorted(wanted[v] - have)]
        if rules:
            commands.append((PERMANENT, ["--new-policy=%s" % POLICY]))
            for args in (["--set-description=zerto_msp.billing egress: allow to Zerto billing endpoints"],
                         ["--add-ingress-zone=HOST"], ["--add-egress-zone=ANY"], ["--set-priority=%d" % priority]):
                commands.append((PERMANENT, ["--policy=%s" % POLICY] + args))
            commands += [(PERMANENT, ["--policy=%s" % POLICY, "--add-rich-rule=%s" % r]) for r in sorted(rules)]
        return commands

    @staticmethod
    def _entry_commands(view_state, wanted, rules, view):
        commands = []
        for v in (4, 6):
            name = IPSET_BY_VERSION[v]
            texts = view_state.owned_entry_texts(v)
            have = set(texts)
            commands += [(view, ["--ipset=%s" % name, "--add-entry=%s" % network_text(n)]) for n in sorted(wanted[v] - have)]
            commands += [(view, ["--ipset=%s" % name, "--remove-entry=%s" % texts[e]]) for e in sorted(have - wanted[v], key=str)]
        have_rules = view_state.owned_rules()
        commands += [(view, ["--policy=%s" % POLICY, "--add-rich-rule=%s" % r]) for r in sorted(rules - have_rules)]
        commands += [(view, ["--policy=%s" % POLICY, "--remove-rich-rule=%s" % r]) for r in sorted(have_rules - rules)]
        return commands

    def validate(self, plan):
        self._refuse_blocked(plan)

    @staticmethod
    def _refuse_blocked(plan):
        blocked = getattr(plan, "blocked", None)
        if blocked:
            raise BackendError(
                "backend firewalld: creating or deleting the policy/ipsets needs `firewall-cmd --reload`, which would "
                "discard runtime-only changes: runtime and permanent configuration differ in %s. Make them agree "
                "(`firewall-cmd --runtime-to-permanent`, or `--reload` to drop the runtime changes) and run again"
                % ", ".join(blocked))

    def apply(self, plan):
        self._refuse_blocked(plan)
        for view, args in plan.commands:
            self.cmd.run(args, view)
        if plan.expected is not None:
            self._verify(plan)

    def _verify(self, plan):
        state = self.read_state()
        for view in VIEWS:
            current = state.views[view]
            wrong = current.owned_rules() != plan.expected["rules"] or any(
                current.owned_entries(v) != set(plan.expected[v]) for v in (4, 6))
            if wrong:
                raise BackendError("backend firewalld: after the change the %s configuration holds %s" % (view, current.lines()))

    def persist(self, plan, check_mode):
        return []

    def find_entries(self, state, networks, port, protocol="tcp"):
        return firewalld_entries.find_entries(state, networks, port, protocol, self.name)

    def plan_removal(self, state, entries):
        commands = firewalld_entries.removal_commands(entries, self.name)
        mine = [e for e in entries if e.backend == self.name and e.action in ("remove", "narrow")]
        return FirewalldPlan(commands, None, sorted(e.text for e in mine), [], [],
                             ["%s: %s" % (e.action, e.text) for e in mine], "".join(command_text(*c) + "\n" for c in commands))

    def persist_removal(self, plan, check_mode):
        return []
