# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Host names for Squid `dstdomain` entries: checked before anything is written, because Squid
silently ignores URL paths there and warns about (or refuses) overlapping domains."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import re

from urllib.parse import urlsplit

from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.entry_error import EntryError

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


class HostnameError(EntryError):
    pass


def host_of(entry):
    """The host part of a bare name or of an https:// URL, lower case, without trailing dot.
    A leading dot (Squid: the domain and all its subdomains) is kept."""
    text = entry.strip()
    if "://" in text:
        parts = urlsplit(text)
        if parts.path not in ("", "/") or parts.query or parts.fragment:
            raise HostnameError(entry, "has a URL path (%s); Squid's dstdomain matches host names only "
                                       "and silently ignores paths" % (parts.path or "?" + parts.query))
        text = parts.hostname or ""
    elif "/" in text:
        raise HostnameError(entry, "has a URL path (%s); Squid's dstdomain matches host names only and "
                                   "silently ignores paths" % text[text.index("/"):])
    elif ":" in text:
        raise HostnameError(entry, "has a port; give the port in the port option")
    return text.lower().rstrip(".")


def is_ip_address(text):
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def parse_hostname(entry):
    if not isinstance(entry, str):
        raise HostnameError(entry, "must be a string holding a host name")
    name = host_of(entry)
    bare = name[1:] if name.startswith(".") else name
    if is_ip_address(bare):
        raise HostnameError(entry, "is an IP address; give addresses in destinations")
    if not bare or len(bare) > 253 or not all(_LABEL.match(label) for label in bare.split(".")):
        raise HostnameError(entry, "is not a valid host name")
    return name


def covers(wider, name):
    """Whether the dstdomain entry `wider` (".example.com") also matches `name`."""
    return wider.startswith(".") and (name == wider[1:] or name.endswith(wider))


def first_overlap(names):
    """(wider, narrower) for the first pair of entries where one matches the other, else None."""
    for wider in names:
        for name in names:
            if name != wider and covers(wider, name):
                return wider, name
    return None


def parse_hostnames(entries, reject_overlaps=True):
    """Sorted, de-duplicated names. Raises HostnameError for the first bad entry or overlap."""
    names = sorted(set(parse_hostname(entry) for entry in entries))
    overlap = first_overlap(names) if reject_overlaps else None
    if overlap:
        raise HostnameError(overlap[1], "overlaps %r (which already matches it); Squid warns about or "
                                        "refuses overlapping dstdomain entries: keep only one" % overlap[0])
    return names
