# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Discovery of entries for given (legacy) destinations, hand-made or owned, and removal plans."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zerto_msp.billing.plugins.module_utils.egress import iptables_entries, nft_entries
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.destinations import parse_destinations
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.iptables import FamilyState
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.nft_ruleset import parse_ruleset

OURS = '-p tcp -m tcp --dport 443 -m comment --comment "zerto_msp.billing egress" -j ACCEPT'


def nft_found(fixture_text, name, targets):
    ruleset = parse_ruleset(fixture_text(name))
    return ruleset, nft_entries.find_entries(ruleset, parse_destinations(targets), 443)


def summary(entries):
    return [(e.kind, e.location.get("handle", e.location.get("set")), e.action) for e in entries]


def test_nft_single_legacy_address(fixture_text):
    ruleset, entries = nft_found(fixture_text, "nft_admin.json", ["198.51.100.90"])
    assert summary(entries) == [
        ("rule", 6, "remove"),         # hand-made literal allow
        ("rule", 9, "manual_review"),  # anonymous set { .90, .91 }
        ("set", "legacy_mix", "narrow"),
    ]
    narrow = entries[2]
    assert narrow.matched == ["198.51.100.90"] and "198.51.100.96/29" in narrow.others
    plan = nft_entries.plan_removal(ruleset, entries)
    assert plan.script.splitlines() == [
        "delete rule inet admin output handle 6",
        "delete element inet admin legacy_mix { 198.51.100.90 }",
    ]


def test_nft_set_of_only_legacy_members_goes_with_its_rule(fixture_text):
    targets = ["198.51.100.90", "198.51.100.96/29", "198.51.100.110/31", "198.51.100.112"]
    ruleset, entries = nft_found(fixture_text, "nft_admin.json", targets)
    assert ("rule", 7, "remove") in summary(entries)
    assert ("set", "legacy_mix", "remove") in summary(entries)
    script = nft_entries.plan_removal(ruleset, entries).script.splitlines()
    assert script.index("delete rule inet admin output handle 7") < script.index("delete set inet admin legacy_mix")


def test_nft_owned_set_is_narrowed_and_marked_owned(fixture_text):
    entries = nft_found(fixture_text, "nft_admin_owned.json", ["198.51.100.70"])[1]
    owned = [e for e in entries if e.owned]
    assert summary(owned) == [("set", "zerto_billing_v4", "narrow")]
    assert owned[0].others == ["198.51.100.80/29"]


def test_nft_unrelated_destinations_find_nothing(fixture_text):
    assert nft_found(fixture_text, "nft_admin.json", ["198.51.100.126"])[1] == []


def test_iptables_rules_by_destination_and_port(fixture_text):
    states = {4: FamilyState(4, fixture_text("iptables_legacy_save.txt")), 6: FamilyState(6, "")}
    entries = iptables_entries.find_entries(states, parse_destinations(["198.51.100.90", "198.51.100.96/29"]), 443)
    assert [(e.text.split(" -p ")[0].split(" -j ")[0], e.action, e.reason) for e in entries] == [
        ("iptables: -A OUTPUT -d 198.51.100.90/32", "remove", "allows only the given destinations on port 443"),
        ("iptables: -A OUTPUT -d 198.51.100.96/29", "manual_review", "also allows other ports"),
        ("iptables: -A OUTPUT -d 198.51.100.64/26", "manual_review", "covers more than the given destinations"),
    ]
    plan = iptables_entries.plan_removal(entries)
    assert plan.script == {4: '*filter\n-D OUTPUT -d 198.51.100.90/32 -p tcp -m tcp --dport 443 -m comment '
                              '--comment "legacy billing allow (hand-made)" -j ACCEPT\nCOMMIT\n'}


def test_iptables_owned_rules_are_found_too(fixture_text):
    states = {4: FamilyState(4, fixture_text("iptables_legacy_save.txt"))}
    entries = iptables_entries.find_entries(states, parse_destinations(["198.51.100.70"]), 443)
    assert [(e.owned, e.action) for e in entries] == [(True, "remove"), (False, "manual_review"), (True, "remove")]


def test_strip_rules_text_removes_each_rule_once(fixture_text):
    text = fixture_text("iptables_legacy_save_counters.txt")
    line = "-A OUTPUT -d 198.51.100.70/32 " + OURS
    stripped = iptables_entries.strip_rules_text(text, [line])
    assert text.count(line) == 2 and stripped.count(line) == 1
    assert len(stripped.splitlines()) == len(text.splitlines()) - 1
