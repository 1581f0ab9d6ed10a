# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""nft JSON address values (plain, prefix, range, set elements) <-> ipaddress networks."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress


def value_networks(value):
    """Networks an nft JSON address value stands for, or None if it is not an address value
    (a named set reference, a concatenation, a map entry...)."""
    if isinstance(value, dict) and "elem" in value:
        return value_networks(value["elem"].get("val"))
    if isinstance(value, str):
        if value.startswith("@"):
            return None
        try:
            return [ipaddress.ip_network(value)]
        except ValueError:
            return None
    if isinstance(value, dict) and "prefix" in value:
        prefix = value["prefix"]
        try:
            return [ipaddress.ip_network("%s/%s" % (prefix["addr"], prefix["len"]), strict=False)]
        except (ValueError, KeyError, TypeError):
            return None
    if isinstance(value, dict) and "range" in value:
        try:
            low, high = [ipaddress.ip_address(v) for v in value["range"]]
            return list(ipaddress.summarize_address_range(low, high))
        except (ValueError, TypeError):
            return None
    if isinstance(value, dict) and "set" in value:
        return elements_networks(value["set"])
    return None


def elements_networks(elements):
    """All networks of a list of set elements; None if any element is not an address."""
    networks = []
    for element in elements:
        found = value_networks(element)
        if found is None:
            return None
        networks.extend(found)
    return networks


def element_text(network):
    if network.prefixlen == network.max_prefixlen:
        return str(network.network_address)
    return str(network)
