# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

import pytest

from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.destinations import (
    DestinationError,
    covered_by,
    network_text,
    parse_destination,
    parse_destinations,
)


def test_addresses_and_cidrs_parse():
    assert parse_destination("198.51.100.70") == ipaddress.ip_network("198.51.100.70/32")
    assert parse_destination(" 198.51.100.64/26 ") == ipaddress.ip_network("198.51.100.64/26")
    assert parse_destination("::ffff:198.51.100.70").version == 6


def test_overlapping_and_adjacent_entries_are_merged_per_version():
    nets = parse_destinations(["198.51.100.64/27", "198.51.100.96/27", "198.51.100.70", "::ffff:198.51.100.70"])
    assert [str(n) for n in nets] == ["198.51.100.64/26", "::ffff:c633:6446/128"]


@pytest.mark.parametrize(
    "entry,reason",
    [
        ("300.1.1.0/24", "does not appear to be an IPv4 or IPv6 network"),
        ("198.51.100.70; nft flush ruleset", "is not an IP address or CIDR"),
        ("$(reboot)", "is not an IP address or CIDR"),
        ("billing.example", "is not an IP address or CIDR"),
        ("198.51.100.70/26", "host bits set; did you mean 198.51.100.64/26"),
        ("0.0.0.0/0", "would allow every destination"),
        ("198.51.100.64/33", "does not appear"),
    ],
)
def test_bad_entries_name_the_entry_and_the_reason(entry, reason):
    with pytest.raises(DestinationError) as info:
        parse_destinations(["198.51.100.70", entry])
    assert info.value.entry == entry
    assert reason in info.value.reason


def test_non_string_entry_is_refused():
    with pytest.raises(DestinationError):
        parse_destination(3325256774)


def test_network_text_and_coverage():
    assert network_text(ipaddress.ip_network("198.51.100.70/32")) == "198.51.100.70"
    assert network_text(ipaddress.ip_network("198.51.100.64/26")) == "198.51.100.64/26"
    assert covered_by(ipaddress.ip_network("198.51.100.70/32"), [ipaddress.ip_network("198.51.100.64/26")])
    assert not covered_by(ipaddress.ip_network("198.51.100.64/26"), [ipaddress.ip_network("198.51.100.70/32")])
