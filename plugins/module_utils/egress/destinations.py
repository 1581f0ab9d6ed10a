# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Destination parsing: IP addresses and CIDRs, validated before anything touches a firewall."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import re

from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.entry_error import EntryError

# Only hex digits, dots, colons and one prefix length: anything else (names, spaces, shell or
# nft syntax) is refused before ipaddress sees it.
_ADDRESS_CHARS = re.compile(r"^[0-9A-Fa-f:.]+(/[0-9]{1,3})?$")


class DestinationError(EntryError):
    pass


def parse_destination(entry):
    """One IP address or CIDR -> ipaddress network. Raises DestinationError."""
    if not isinstance(entry, str):
        raise DestinationError(entry, "must be a string holding an IP address or CIDR")
    text = entry.strip()
    if not _ADDRESS_CHARS.match(text):
        raise DestinationError(entry, "is not an IP address or CIDR")
    try:
        network = ipaddress.ip_network(text, strict=False)
    except ValueError as exc:
        raise DestinationError(entry, str(exc))
    if "/" in text and str(network.network_address) != str(ipaddress.ip_address(text.split("/")[0])):
        raise DestinationError(entry, "has host bits set; did you mean %s?" % network)
    if network.is_unspecified or (network.prefixlen == 0):
        raise DestinationError(entry, "would allow every destination; refusing")
    return network


def parse_destinations(entries):
    """All entries -> sorted, collapsed networks. The first bad entry raises DestinationError."""
    networks = [parse_destination(entry) for entry in entries]
    return collapse(networks)


def collapse(networks):
    """Merge overlapping and adjacent networks; nft refuses overlapping interval elements."""
    v4 = [n for n in networks if n.version == 4]
    v6 = [n for n in networks if n.version == 6]
    return list(ipaddress.collapse_addresses(v4)) + list(ipaddress.collapse_addresses(v6))


def by_version(networks, version):
    return [n for n in networks if n.version == version]


def network_text(network):
    """Canonical text: bare address for a single host, CIDR otherwise (how nft lists them)."""
    if network.prefixlen == network.max_prefixlen:
        return str(network.network_address)
    return str(network)


def covered_by(network, others):
    """True if `network` lies wholly inside one of `others` (same IP version)."""
    return any(network.version == o.version and network.subnet_of(o) for o in others)


def overlaps_any(network, others):
    return any(network.version == o.version and network.overlaps(o) for o in others)
