# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parsing real iptables-save output and planning the iptables-restore delta."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.destinations import parse_destinations
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.iptables import FamilyState, plan_family
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.iptables_persist import update_rules_text
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.iptables_save import has_rules, parse_save

OURS = '-p tcp -m tcp --dport 443 -m comment --comment "zerto_msp.billing egress" -j ACCEPT'


def test_save_with_counters_parses_like_without(fixture_text):
    plain = parse_save(fixture_text("iptables_legacy_save.txt"))["filter"]
    counted = parse_save(fixture_text("iptables_legacy_save_counters.txt"))["filter"]
    assert [r.line for r in plain.rules] == [r.line for r in counted.rules]
    assert plain.policies == {"INPUT": "ACCEPT", "FORWARD": "DROP", "OUTPUT": "DROP", "ADMIN_EGRESS": "-"}
    assert [r.owned for r in plain.chain_rules("OUTPUT")] == [False, True, False, False, False, False, True, True]
    assert plain.chain_rules("OUTPUT")[2].comment == "legacy billing allow (hand-made)"


def test_first_blocking_rule_is_the_jump_to_a_chain_that_rejects(fixture_text):
    table = parse_save(fixture_text("iptables_legacy_save.txt"))["filter"]
    assert table.first_blocking_index("OUTPUT") == 5
    assert table.chain_blocks("OUTPUT") and table.chain_blocks("FORWARD") and not table.chain_blocks("INPUT")


def test_warning_lines_of_iptables_nft_save_are_ignored(fixture_text):
    text = fixture_text("iptables_nft_save_with_legacy_present.txt")
    assert text.startswith("# Warning: iptables-legacy tables present")
    assert not has_rules(text)
    assert has_rules(fixture_text("iptables_nft_save.txt"))
    assert parse_save(fixture_text("iptables_nft_save.txt"))["filter"].first_blocking_index("OUTPUT") == 2


def test_duplicates_and_misplaced_owned_rules_are_replaced(fixture_text):
    state = FamilyState(4, fixture_text("iptables_legacy_save.txt"))
    nets = parse_destinations(["198.51.100.70", "198.51.100.80/29"])
    restore, added, removed, wanted = plan_family(state, ["OUTPUT"], nets, "tcp", 443)
    assert restore == [
        "-D OUTPUT -d 198.51.100.70/32 " + OURS,
        "-D OUTPUT -d 198.51.100.80/29 " + OURS,
        "-D OUTPUT -d 198.51.100.70/32 " + OURS,
        "-I OUTPUT 5 -d 198.51.100.70/32 " + OURS,
        "-I OUTPUT 6 -d 198.51.100.80/29 " + OURS,
    ]
    assert len(added) == 2 and len(removed) == 3
    assert wanted["OUTPUT"] == ["-A OUTPUT -d 198.51.100.70/32 " + OURS, "-A OUTPUT -d 198.51.100.80/29 " + OURS]


def test_forward_only_when_asked(fixture_text):
    state = FamilyState(4, fixture_text("iptables_legacy_save.txt"))
    nets = parse_destinations(["198.51.100.70"])
    restore = plan_family(state, ["OUTPUT", "FORWARD"], nets, "tcp", 443)[0]
    assert "-A FORWARD -d 198.51.100.70/32 " + OURS in restore  # policy drop, no rules: appended


def test_ipv6_rules_compare_by_value_not_spelling(fixture_text):
    text = fixture_text("ip6tables_legacy_save.txt").replace(":OUTPUT ACCEPT", ":OUTPUT DROP")
    state = FamilyState(6, text)
    restore, added, removed = plan_family(state, ["OUTPUT"], parse_destinations(["::ffff:198.51.100.70"]), "tcp", 443)[:3]
    assert (restore, added, removed) == ([], [], [])


def test_chain_that_cannot_drop_gets_nothing_and_loses_ours(fixture_text):
    state = FamilyState(6, fixture_text("ip6tables_legacy_save.txt"))
    restore, added, removed = plan_family(state, ["OUTPUT"], parse_destinations(["::ffff:198.51.100.70"]), "tcp", 443)[:3]
    assert added == [] and restore == ["-D OUTPUT -d ::ffff:198.51.100.70/128 " + OURS]


def test_rules_file_update_changes_only_our_lines(fixture_text):
    original = fixture_text("iptables_nft_save.txt")
    wanted = {"OUTPUT": ["-A OUTPUT -d 198.51.100.70/32 " + OURS]}
    updated = update_rules_text(original, wanted, {})
    lines = updated.splitlines()
    assert lines.index("-A OUTPUT -d 198.51.100.70/32 " + OURS) == lines.index("-A OUTPUT -j ADMIN_EGRESS") - 1
    assert update_rules_text(updated, wanted, {}) == updated
    assert update_rules_text(updated, {"OUTPUT": []}, {}) == original


def test_rules_file_without_filter_table_gets_one(fixture_text):
    wanted = {"OUTPUT": ["-A OUTPUT -d 198.51.100.70/32 " + OURS]}
    text = update_rules_text("*nat\nCOMMIT\n", wanted, {"OUTPUT": "DROP"})
    assert text == "*nat\nCOMMIT\n*filter\n:OUTPUT DROP [0:0]\n-A OUTPUT -d 198.51.100.70/32 %s\nCOMMIT\n" % OURS
