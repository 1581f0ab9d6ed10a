# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Resolve host names on the managed host, with its own resolver, into firewall destinations:
what the ZVM itself will connect to."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import socket

from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.destinations import collapse, parse_destination
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.entry_error import EntryError
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.squid_hostnames import (
    HostnameError,
    host_of,
    is_ip_address,
    parse_hostname,
)


class ResolveError(EntryError):
    pass


def checked_names(entries):
    """Bare host names (https:// URLs without a path are taken as their host), de-duplicated.
    An IP address stands for itself, as it does for the resolver."""
    names = []
    for entry in entries:
        try:
            bare = entry.strip().strip("[]") if isinstance(entry, str) else ""
            literal = bare if is_ip_address(bare) else host_of(entry) if bare else ""
            name = literal if is_ip_address(literal) else parse_hostname(entry)
        except HostnameError as exc:
            raise ResolveError(exc.entry, exc.reason)
        if name.startswith("."):
            raise ResolveError(entry, "is a domain (leading dot); only a host name can be resolved")
        if name not in names:
            names.append(name)
    return names


def addresses_of(name, getaddrinfo=socket.getaddrinfo):
    """Every A and AAAA address the resolver returns for `name`, in its order; IPv4-mapped IPv6
    answers are dropped (their IPv4 address is the real destination)."""
    try:
        infos = getaddrinfo(name, None, socket.AF_UNSPEC, socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise ResolveError(name, "does not resolve on this host (%s)" % exc)
    addresses = []
    for info in infos:
        text = info[4][0].split("%", 1)[0]
        address = ipaddress.ip_address(text)
        if address.version == 6 and address.ipv4_mapped is not None:
            continue
        if text not in addresses:
            addresses.append(text)
    if not addresses:
        raise ResolveError(name, "resolves to no address on this host")
    return addresses


def resolve_all(entries, getaddrinfo=socket.getaddrinfo):
    """{name: [address, ...]} for every entry. Raises ResolveError for the first bad or unresolvable one."""
    return dict((name, addresses_of(name, getaddrinfo)) for name in checked_names(entries))


def with_resolved(networks, resolved):
    """networks plus every address of {name: [address, ...]}, collapsed."""
    addresses = [address for name in resolved for address in resolved[name]]
    return collapse(networks + [parse_destination(address) for address in addresses]) if addresses else networks


def overlapping(networks, others):
    """[(network, other)] for each pair of the two lists that share an address."""
    return [(n, o) for n in networks for o in others if n.version == o.version and n.overlaps(o)]
