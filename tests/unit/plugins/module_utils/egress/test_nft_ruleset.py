# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parsing and drop analysis of real `nft -j list ruleset` output (fixtures/capture.sh)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.nft_elements import elements_networks
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.nft_render import owned_rule_signature
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.nft_ruleset import parse_ruleset
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.nft_verdicts import (
    chain_blocks,
    egress_chains,
    first_blocking_rule,
)


def test_tables_chains_and_rule_order(fixture_text):
    ruleset = parse_ruleset(fixture_text("nft_admin.json"))
    assert [(t.family, t.name) for t in ruleset.tables] == [("inet", "admin"), ("ip", "guard"), ("ip", "quiet")]
    admin = ruleset.table("inet", "admin")
    assert [r.handle for r in admin.chains["output"].rules] == [4, 5, 6, 7, 9, 10, 11, 12]
    assert admin.chains["output"].policy == "drop"
    assert admin.chains["output"].rules[2].comment == "legacy billing allow (hand-made)"
    assert not admin.chains["admin_checks"].is_base


def test_set_elements_plain_prefix_and_range(fixture_text):
    legacy = parse_ruleset(fixture_text("nft_admin.json")).table("inet", "admin").sets["legacy_mix"]
    assert [str(n) for n in elements_networks(legacy.elements)] == [
        "198.51.100.90/32",
        "198.51.100.96/29",
        "198.51.100.110/31",
        "198.51.100.112/32",
    ]


def test_first_blocking_rule_follows_jumps_and_verdict_maps(fixture_text):
    ruleset = parse_ruleset(fixture_text("nft_admin.json"))
    admin, guard, quiet = ruleset.tables
    assert first_blocking_rule(admin, admin.chains["output"]).handle == 11  # jump to a chain that drops
    assert first_blocking_rule(guard, guard.chains["out"]).handle == 4  # vmap with a drop verdict
    assert chain_blocks(guard, guard.chains["out"])
    assert not chain_blocks(quiet, quiet.chains["out"])
    assert [c.name for c in egress_chains(admin, ("output",))] == ["output"]
    assert egress_chains(admin, ("forward",)) == []


def test_owned_rules_are_recognised_and_never_block(fixture_text):
    admin = parse_ruleset(fixture_text("nft_admin_owned.json")).table("inet", "admin")
    rules = admin.chains["output"].rules
    assert owned_rule_signature(rules[0]) == (4, "zerto_billing_v4", "tcp", 443)
    assert owned_rule_signature(rules[-1]) == (6, "zerto_billing_v6", "tcp", 443)
    assert owned_rule_signature(rules[3]) is None  # hand-made: literal address, not our set
    assert first_blocking_rule(admin, admin.chains["output"]).handle == 11
    assert elements_networks(admin.sets["zerto_billing_v6"].elements) == [ipaddress.ip_network("::ffff:198.51.100.70/128")]


def test_iptables_nft_tables_are_told_apart(fixture_text):
    ruleset = parse_ruleset(fixture_text("nft_xtables.json"), fixture_text("nft_xtables.stderr"))
    assert [t.name for t in ruleset.xtables_tables()] == ["filter"]
    assert ruleset.native_tables() == []
    assert parse_ruleset(fixture_text("nft_admin.json")).xtables_tables() == []


def test_managed_warning_marks_a_table(fixture_text):
    ruleset = parse_ruleset(
        fixture_text("nft_admin.json"), "# Warning: table ip quiet is managed by iptables-nft, do not touch!\n"
    )
    assert [t.name for t in ruleset.xtables_tables()] == ["quiet"]
