# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""firewalld backend: listings of a real firewalld (fixtures: capture_firewalld.sh), planning,
legacy discovery in rich rules, ipsets and direct rules, drift between runtime and permanent,
and backend=auto on a host where firewalld runs."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.base import EgressSpec, Entry
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.destinations import parse_destinations
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.detect import detect
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.firewalld import (
    FirewalldBackend,
    FirewalldState,
    FirewalldView,
    wanted_priority,
)
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.firewalld_cmd import PERMANENT, RUNTIME, parse_listing
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.firewalld_entries import (
    find_entries,
    removal_commands,
    without_direct_rule_copies,
)


class FixtureCmd(object):
    """Answers firewall-cmd listings from the captured output (same for both views, but zones)."""

    def __init__(self, fixture_text):
        self.text = fixture_text
        self.ipset_blocks = parse_listing(fixture_text("firewalld_ipsets.txt"))

    def run(self, args, view=RUNTIME, check=True):
        arg = args[0]
        if arg == "--list-all-policies":
            return self.text("firewalld_policies.txt")
        if arg == "--list-all-zones":
            return self.text("firewalld_zones_%s.txt" % view)
        if arg == "--get-ipsets":
            return " ".join(sorted(self.ipset_blocks)) + "\n"
        if arg.startswith("--info-ipset="):
            blocks = self.text("firewalld_ipsets.txt").replace("\n  ", "\t").splitlines()
            name = arg.split("=", 1)[1]
            return "".join(b.replace("\t", "\n  ") + "\n" for b in blocks if b.split("\t")[0] == name)
        if arg == "--direct":
            return self.text("firewalld_direct.txt")
        raise AssertionError(args)

    def ipsets(self, view):
        return self.ipset_blocks


def state(fixture_text):
    cmd = FixtureCmd(fixture_text)
    return FirewalldState(dict((view, FirewalldView.read(cmd, view)) for view in (RUNTIME, PERMANENT)))


def test_listings_parse(fixture_text):
    policies = state(fixture_text).views[RUNTIME].policies
    deny = policies["egress-deny"]
    assert (deny["target"], deny["ingress-zones"], deny["egress-zones"], deny["priority"]) == ("REJECT", "HOST", "ANY", "-1")
    assert len(deny["rich rules"]) == 5 and "allow-host-ipv6" in policies


def test_policy_goes_just_ahead_of_the_admins_host_policies(fixture_text):
    assert wanted_priority(state(fixture_text).views[PERMANENT].policies) == -2


def test_drift_names_what_differs_between_runtime_and_permanent(fixture_text):
    assert state(fixture_text).drift() == ["zone public"]


def test_first_allow_is_structural_and_refused_while_runtime_drifts(fixture_text):
    plan = FirewalldBackend(None).plan_allow(state(fixture_text), EgressSpec(parse_destinations(["198.51.100.70", "2001:db8::70"])))
    texts = [" ".join(args) for view, args in plan.commands]
    assert all(view == PERMANENT for view, args in plan.commands[:-1]) and texts[-1] == "--reload"
    assert "--new-ipset=zerto-billing-v4 --type=hash:net --family=inet" in texts
    assert "--new-ipset=zerto-billing-v6 --type=hash:net --family=inet6" in texts
    assert "--policy=zerto-billing --set-priority=-2" in texts
    assert plan.blocked == ["zone public"]


def test_legacy_entries_and_their_actions(fixture_text):
    targets = parse_destinations(["198.51.100.90", "198.51.100.91", "198.51.100.92", "198.51.100.93", "198.51.100.94"])
    entries = find_entries(state(fixture_text), targets, 443)
    found = sorted((e.kind, e.text.split(":")[0], e.action) for e in entries)
    assert found == [
        ("direct_rule", "direct ipv4 filter OUTPUT 0 -d 198.51.100.93 -p tcp --dport 443 -j ACCEPT", "remove"),
        ("ipset", "ipset blocklist", "manual_review"),
        ("ipset", "ipset legacy-billing", "narrow"),
        ("rich_rule", "policy egress-deny", "manual_review"),
        ("rich_rule", "policy egress-deny", "remove"),
        ("rich_rule", "zone public", "manual_review"),
    ]
    assert all(e.location["configurations"] == [PERMANENT, RUNTIME] for e in entries)
    commands = removal_commands(entries)
    assert (RUNTIME, ["--ipset=legacy-billing", "--remove-entry=198.51.100.91"]) in commands
    assert (PERMANENT, ["--direct", "--remove-rule", "ipv4", "filter", "OUTPUT", "0", "-d", "198.51.100.93", "-p", "tcp",
                        "--dport", "443", "-j", "ACCEPT"]) in commands
    assert len(commands) == 6


def test_iptables_copies_of_direct_rules_are_left_to_firewalld(fixture_text):
    direct = Entry("firewalld", "direct_rule", {"ipv": "ipv4", "chain": "OUTPUT"}, "d", ["198.51.100.93/32"], [], "remove", "")
    copy = Entry("iptables", "rule", {"tool": "iptables", "chain": "OUTPUT"}, "i", ["198.51.100.93/32"], [], "remove", "")
    other = Entry("iptables", "rule", {"tool": "iptables", "chain": "OUTPUT"}, "o", ["198.51.100.99/32"], [], "remove", "")
    searched, found = without_direct_rule_copies([("iptables/nft", None, None, [copy, other]), ("firewalld", None, None, [direct])],
                                                 [copy, other, direct])
    assert found == [other, direct] and searched[0][3] == [other]


class ReplayRunner(object):
    def __init__(self, outputs):
        self.outputs = outputs

    def which(self, name):
        return name if name in set(cmd[0] for cmd in self.outputs) else None

    def run(self, argv, data=None, check=True):
        return 0, self.outputs.get(tuple(argv), ""), ""


def test_auto_picks_firewalld_when_it_runs_and_its_chains_drop(fixture_text):
    runner = ReplayRunner({
        ("nft", "-j", "list", "ruleset"): fixture_text("firewalld_nft.json"),
        ("iptables-nft-save",): "",
        ("iptables-legacy-save",): "",
        ("firewall-cmd", "--state"): "running\n",
    })
    found = detect(runner)
    assert found.backend == "firewalld"
    assert "inet firewalld/filter_OUTPUT" in found.evidence[0]


def test_auto_keeps_nftables_when_firewalld_does_not_answer(fixture_text):
    runner = ReplayRunner({("nft", "-j", "list", "ruleset"): fixture_text("firewalld_nft.json"), ("firewall-cmd", "--state"): "not running\n"})
    assert detect(runner).backend == "nftables"
