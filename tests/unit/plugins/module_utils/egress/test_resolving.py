import socket

import pytest

from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.resolving import (
    ResolveError,
    addresses_of,
    checked_names,
    overlapping,
    resolve_all,
    with_resolved,
)
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.destinations import parse_destinations


def fake_resolver(table):
    def getaddrinfo(name, port, family, socktype):
        if name not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socktype, 6, "", (a, 0)) for a in table[name]]
    return getaddrinfo


def test_every_a_and_aaaa_address_in_resolver_order_without_duplicates():
    resolver = fake_resolver({"billing.lab.test": ["198.51.100.70", "2001:db8::70", "198.51.100.70", "198.51.100.71"]})
    assert addresses_of("billing.lab.test", resolver) == ["198.51.100.70", "2001:db8::70", "198.51.100.71"]


def test_ipv4_mapped_answers_are_dropped_and_zone_ids_stripped():
    resolver = fake_resolver({"b.lab.test": ["::ffff:198.51.100.70", "198.51.100.70", "fe80::1%eth0"]})
    assert addresses_of("b.lab.test", resolver) == ["198.51.100.70", "fe80::1"]


def test_unresolvable_name_names_the_entry():
    with pytest.raises(ResolveError) as info:
        addresses_of("nowhere.lab.test", fake_resolver({}))
    assert info.value.entry == "nowhere.lab.test"
    assert info.value.reason.startswith("does not resolve")


def test_name_with_only_mapped_answers_resolves_to_nothing():
    with pytest.raises(ResolveError, match="resolves to no address"):
        addresses_of("m.lab.test", fake_resolver({"m.lab.test": ["::ffff:198.51.100.1"]}))


def test_urls_are_taken_as_their_host_and_deduplicated():
    assert checked_names(["https://Billing.Lab.Test/", "billing.lab.test."]) == ["billing.lab.test"]


@pytest.mark.parametrize("entry", ["bad;rm -rf /", "$(id).lab.test", "https://b.lab.test/path", ".lab.test",
                                   "b.lab.test:443", ""])
def test_bad_entries_are_refused_before_any_lookup(entry):
    looked_up = []

    def resolver(*args):
        looked_up.append(args)
        return []

    with pytest.raises(ResolveError):
        resolve_all([entry], resolver)
    assert looked_up == []


def test_resolve_all_maps_each_name():
    resolver = fake_resolver({"a.lab.test": ["198.51.100.1"], "b.lab.test": ["198.51.100.2", "2001:db8::2"]})
    assert resolve_all(["a.lab.test", "https://b.lab.test"], resolver) == {
        "a.lab.test": ["198.51.100.1"], "b.lab.test": ["198.51.100.2", "2001:db8::2"]}


def test_an_ip_address_stands_for_itself():
    resolver = fake_resolver({"198.51.100.70": ["198.51.100.70"], "2001:db8::70": ["2001:db8::70"]})
    assert resolve_all(["https://198.51.100.70/", "2001:db8::70", "https://[2001:db8::70]/"], resolver) == {
        "198.51.100.70": ["198.51.100.70"], "2001:db8::70": ["2001:db8::70"]}


def test_with_resolved_adds_every_address_collapsed():
    networks = parse_destinations(["198.51.100.90"])
    merged = with_resolved(networks, {"legacy.lab.test": ["198.51.100.91", "2001:db8::91"]})
    assert [str(n) for n in merged] == ["198.51.100.90/31", "2001:db8::91/128"]


def test_with_resolved_without_names_is_the_networks():
    networks = parse_destinations(["198.51.100.90"])
    assert with_resolved(networks, {}) == networks


def test_overlapping_pairs_only_within_an_ip_version():
    legacy = parse_destinations(["198.51.100.90", "2001:db8::90"])
    protected = parse_destinations(["198.51.100.64/26", "2001:db8::/32"])
    assert [(str(a), str(b)) for a, b in overlapping(legacy, protected)] == [
        ("198.51.100.90/32", "198.51.100.64/26"),
        ("2001:db8::90/128", "2001:db8::/32"),
    ]


def test_no_overlap_between_disjoint_ranges():
    assert overlapping(parse_destinations(["198.51.100.90"]), parse_destinations(["198.51.100.70"])) == []
