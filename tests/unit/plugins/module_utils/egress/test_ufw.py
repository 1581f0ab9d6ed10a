# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ufw backend: parsing real user.rules / user6.rules, planning exact ufw commands, finding
legacy rules, and backend=auto on a host where ufw is active (fixtures: capture_ufw.sh)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.base import EgressSpec
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.destinations import parse_destinations
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.detect import detect
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.ufw import UfwBackend, UfwState
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.ufw_entries import find_entries, removal_commands

OURS = ["comment", "zerto_msp.billing egress"]
EMPTY_NFT = '{"nftables": [{"metainfo": {"version": "1.0.6", "json_schema_version": 1}}]}'


def state(fixture_text, status="ufw_status_active.txt"):
    texts = {4: fixture_text("ufw_user.rules"), 6: fixture_text("ufw_user6.rules")}
    return UfwState(texts, fixture_text(status))


def plan(fixture_text, destinations):
    return UfwBackend(None).plan_allow(state(fixture_text), EgressSpec(parse_destinations(destinations)))


def test_tuples_parse_in_ufw_numbering_order(fixture_text):
    rules = state(fixture_text).rules
    assert len(rules[4]) == 10 and len(rules[6]) == 4
    assert [r.owned for r in rules[4]].count(True) == 2 and rules[6][2].owned
    assert rules[4][1].comment == "old billing" and rules[4][1].protocol == "any"
    assert (rules[4][4].direction, rules[4][4].interface) == ("out", "veth0")
    assert rules[4][6].blocks_egress() and not rules[4][8].blocks_egress()
    assert rules[4][3].ports() == [443, 8443]


def test_commands_are_exact_rules_in_ufw_grammar(fixture_text):
    rules = state(fixture_text).rules[4]
    assert rules[1].delete_argv() == ["delete", "allow", "out", "to", "198.51.100.91", "port", "443"]
    assert rules[4].delete_argv() == ["delete", "allow", "out", "on", "veth0", "proto", "tcp", "to", "198.51.100.93", "port", "443"]
    assert rules[8].text() == "ufw allow in proto tcp to any port 8443"


def test_plan_keeps_owned_rule_ahead_of_deny_and_moves_the_one_behind_it(fixture_text):
    p = plan(fixture_text, ["198.51.100.70", "198.51.100.75", "2001:db8::70"])
    assert p.commands == [
        ["delete", "allow", "out", "proto", "tcp", "to", "198.51.100.71", "port", "443"],
        ["insert", "7", "allow", "out", "proto", "tcp", "to", "198.51.100.75", "port", "443"] + OURS,
    ]
    assert len(p.after) == 3 and p.changed


def test_ipv6_insert_position_counts_ipv4_rules_deleted_and_added_before_it(fixture_text):
    p = plan(fixture_text, ["198.51.100.70", "198.51.100.72", "198.51.100.74", "2001:db8::71"])
    inserts = [c for c in p.commands if c[0] == "insert"]
    # v4 after the .71 delete: 9 rules, deny at 7; two v4 inserts make 11. v6 after the ::70
    # delete: 3 rules, the deny is the third, so number 11 + 3.
    assert [c[1] for c in inserts] == ["7", "8", "14"]
    assert inserts[2][7] == "2001:db8::71"


def test_second_plan_with_same_destinations_changes_nothing(fixture_text):
    p = plan(fixture_text, ["198.51.100.70", "2001:db8::70"])
    assert p.commands == [["delete", "allow", "out", "proto", "tcp", "to", "198.51.100.71", "port", "443"]]
    assert p.removed and not p.added


def test_hand_made_identical_rule_is_never_taken_over(fixture_text):
    p = plan(fixture_text, ["198.51.100.70", "198.51.100.90", "2001:db8::70"])
    assert not any("198.51.100.90" in c for c in p.commands)
    assert any("198.51.100.90" in note and "does not own" in note for note in p.notes)


def test_revoke_deletes_only_owned_rules(fixture_text):
    p = UfwBackend(None).plan_revoke(state(fixture_text))
    assert sorted(c[-3] for c in p.commands) == ["198.51.100.70", "198.51.100.71", "2001:db8::70"]
    assert all(c[0] == "delete" for c in p.commands) and p.after == []


def test_inactive_ufw_is_noted(fixture_text):
    st = state(fixture_text, "ufw_status_inactive.txt")
    p = UfwBackend(None).plan_allow(st, EgressSpec(parse_destinations(["198.51.100.70"])))
    assert any("not active" in note for note in p.notes)


def test_legacy_entries_and_their_actions(fixture_text):
    targets = parse_destinations(["198.51.100.90", "198.51.100.91", "198.51.100.92", "198.51.100.93", "2001:db8::90"])
    entries = find_entries(state(fixture_text), targets, 443)
    found = dict((e.location["number"], (e.action, e.owned)) for e in entries)
    assert found == {
        1: ("remove", False),
        2: ("remove", False),
        3: ("manual_review", False),
        4: ("manual_review", False),
        5: ("manual_review", False),
        12: ("remove", False),
    }
    commands, before, removed = removal_commands(entries)
    assert commands == [
        ["delete", "allow", "out", "proto", "tcp", "to", "198.51.100.90", "port", "443"],
        ["delete", "allow", "out", "to", "198.51.100.91", "port", "443"],
        ["delete", "allow", "out", "proto", "tcp", "to", "2001:db8::90", "port", "443"],
    ]


def test_unrelated_port_is_not_found_and_owned_rules_are(fixture_text):
    entries = find_entries(state(fixture_text), parse_destinations(["198.51.100.100", "198.51.100.70"]), 443)
    assert [(e.location["number"], e.action, e.owned) for e in entries] == [(3, "manual_review", False), (6, "remove", True)]


class ReplayRunner(object):
    def __init__(self, outputs):
        self.outputs = outputs
        self.calls = []

    def which(self, name):
        return name if name in set(cmd[0] for cmd in self.outputs) else None

    def run(self, argv, data=None, check=True):
        self.calls.append(list(argv))
        return 0, self.outputs.get(tuple(argv), ""), ""


def ufw_host(fixture_text, ufw_status, nft=None):
    return ReplayRunner({
        ("nft", "-j", "list", "ruleset"): nft or fixture_text("ufw_nft.json"),
        ("iptables-legacy-save",): "",
        ("ip6tables-legacy-save",): "",
        ("iptables-nft-save",): fixture_text("ufw_iptables_nft_save.txt"),
        ("ip6tables-nft-save",): "",
        ("iptables", "-V"): "iptables v1.8.9 (nf_tables)",
        ("ufw", "status"): fixture_text(ufw_status),
    })


def test_auto_picks_ufw_when_active_and_its_chains_drop(fixture_text):
    found = detect(ufw_host(fixture_text, "ufw_status_active.txt"))
    assert (found.backend, found.variant) == ("ufw", None)
    assert "ufw is active" in found.evidence[0]


def test_auto_keeps_iptables_when_ufw_chains_are_loaded_but_ufw_says_inactive(fixture_text):
    found = detect(ufw_host(fixture_text, "ufw_status_inactive.txt"))
    assert (found.backend, found.variant) == ("iptables", "nft")


def test_auto_does_not_ask_ufw_on_hosts_without_ufw_chains(fixture_text):
    runner = ufw_host(fixture_text, "ufw_status_active.txt", nft=fixture_text("nft_admin.json"))
    runner.outputs[("iptables-nft-save",)] = ""
    found = detect(runner)
    assert found.backend == "nftables"
    assert ["ufw", "status"] not in runner.calls
