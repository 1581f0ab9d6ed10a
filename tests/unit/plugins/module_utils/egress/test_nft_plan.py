# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Planning nftables changes as a diff against real rulesets."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.base import EgressSpec
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.destinations import parse_destinations
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.nft_ruleset import parse_ruleset
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.nftables import NftablesBackend

RULE4 = 'ip daddr @zerto_billing_v4 tcp dport 443 counter accept comment "zerto_msp.billing egress"'
RULE6 = 'ip6 daddr @zerto_billing_v6 tcp dport 443 counter accept comment "zerto_msp.billing egress"'


def plan(fixture_text, name, destinations, state="present"):
    ruleset = parse_ruleset(fixture_text(name))
    backend = NftablesBackend(runner=None)
    if state == "absent":
        return backend.plan_revoke(ruleset)
    return backend.plan_allow(ruleset, EgressSpec(parse_destinations(destinations)))


def test_fresh_allow_goes_ahead_of_the_first_drop_in_every_blocking_chain(fixture_text):
    result = plan(fixture_text, "nft_admin.json", ["198.51.100.70", "198.51.100.80/29"])
    assert result.script.splitlines() == [
        "add set inet admin zerto_billing_v4 { type ipv4_addr; flags interval; }",
        "add element inet admin zerto_billing_v4 { 198.51.100.70, 198.51.100.80/29 }",
        "add set ip guard zerto_billing_v4 { type ipv4_addr; flags interval; }",
        "add element ip guard zerto_billing_v4 { 198.51.100.70, 198.51.100.80/29 }",
        "insert rule inet admin output position 11 " + RULE4,
        "insert rule ip guard out position 4 " + RULE4,
    ]
    assert result.removed == []
    assert [w.table for w in result.desired] == ["admin", "guard"]  # quiet never drops: untouched


def test_ipv6_destinations_only_go_to_tables_that_see_ipv6(fixture_text):
    result = plan(fixture_text, "nft_admin.json", ["::ffff:198.51.100.70"])
    assert "add set inet admin zerto_billing_v6 { type ipv6_addr; flags interval; }" in result.script
    assert "guard" not in result.script


def test_owned_entries_are_kept_refreshed_or_moved(fixture_text):
    result = plan(fixture_text, "nft_admin_owned.json", ["198.51.100.70", "198.51.100.80/29", "::ffff:198.51.100.70"])
    lines = result.script.splitlines()
    # the v6 rule sits behind the reject: deleted and inserted again ahead of the first drop
    assert lines[0] == "delete rule inet admin output handle 17"
    assert "insert rule inet admin output position 11 " + RULE6 in lines
    assert not any("handle 16" in line for line in lines)  # v4 rule is well placed: kept
    assert not any("flush set inet admin" in line for line in lines)  # members unchanged
    assert any(line.startswith("insert rule ip guard out position 4") for line in lines)


def test_new_destination_list_refreshes_the_set_in_the_same_transaction(fixture_text):
    result = plan(fixture_text, "nft_admin_owned.json", ["198.51.100.71"])
    assert "flush set inet admin zerto_billing_v4" in result.script
    assert "add element inet admin zerto_billing_v4 { 198.51.100.71 }" in result.script
    assert "delete set inet admin zerto_billing_v6" in result.script
    assert "table inet admin set zerto_billing_v4 elements { 198.51.100.70, 198.51.100.80/29 }" in result.removed


def test_revoke_touches_only_owned_entries(fixture_text):
    result = plan(fixture_text, "nft_admin_owned.json", [], state="absent")
    assert result.script.splitlines() == [
        "delete rule inet admin output handle 16",
        "delete rule inet admin output handle 17",
        "delete set inet admin zerto_billing_v4",
        "delete set inet admin zerto_billing_v6",
    ]
    assert result.after == []


def test_second_plan_after_apply_is_empty(fixture_text):
    result = plan(fixture_text, "nft_admin_owned.json", ["198.51.100.70", "198.51.100.80/29"], state="absent")
    assert result.changed
    nothing = plan(fixture_text, "nft_admin.json", [], state="absent")
    assert not nothing.changed and nothing.script == ""


def test_xtables_tables_are_left_alone_with_a_warning(fixture_text):
    ruleset = parse_ruleset(fixture_text("nft_xtables.json"))
    result = NftablesBackend(runner=None).plan_allow(ruleset, EgressSpec(parse_destinations(["198.51.100.70"])))
    assert result.script == ""
    assert "iptables-nft" in result.warnings[0]
