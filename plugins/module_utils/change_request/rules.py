# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The perimeter firewall rules one site needs around a Zerto upgrade: add (new endpoint) before,
remove (legacy endpoint) after; each destination as an FQDN object and as CIDRs, per ZVM source."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import re
from urllib.parse import urlsplit

from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.destinations import (
    DestinationError,
    parse_destination,
)
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.squid_hostnames import HostnameError, parse_hostname

PROTOCOL = "tcp"
FIELDS = ("site", "phase", "change", "rule_name", "source", "destination_type", "destination", "protocol", "port",
          "action")
PHASES = (
    # phase, change, endpoint label
    ("before_upgrade", "add", "new"),
    ("after_upgrade", "remove", "legacy"),
)


class ChangeRequestError(ValueError):
    def __init__(self, option, reason):
        self.option = option
        super(ChangeRequestError, self).__init__("%s: %s" % (option, reason))


def slug(site):
    """The site as a file and object name part: letters, digits, dot, dash and underscore."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", site.strip()).strip("-.") or "site"


def fqdn_of(option, url):
    """The host of `https://host[:port][/path]` (or of a bare host name), for an FQDN object."""
    if not url:
        return None
    try:
        host = urlsplit(url if "://" in url else "https://" + url).hostname
        name = parse_hostname(host or url)
    except (HostnameError, ValueError) as exc:
        raise ChangeRequestError(option, "%r is not a URL or host name (%s)" % (url, exc))
    if name.startswith("."):
        raise ChangeRequestError(option, "%r: a wildcard domain cannot be an FQDN object" % url)
    return name


def networks_of(option, entries):
    try:
        return [parse_destination(entry) for entry in entries]
    except DestinationError as exc:
        raise ChangeRequestError(option, "entry %r %s" % (exc.entry, exc.reason))


def sources_of(entries):
    if not entries:
        raise ChangeRequestError("zvm_addresses", "give the address of at least one ZVM (the rules' source)")
    sources = []
    for entry in entries:
        try:
            sources.append(str(ipaddress.ip_address(str(entry).strip())))
        except ValueError:
            raise ChangeRequestError("zvm_addresses", "entry %r is not an IP address" % (entry,))
    return sorted(set(sources), key=lambda a: (ipaddress.ip_address(a).version, ipaddress.ip_address(a)))


def build_rules(site, zvm_addresses, new_url, new_cidrs, legacy_url, legacy_cidrs, port):
    """Rows (dicts with FIELDS), in phase order, FQDN form first, then CIDRs, then by source."""
    if not site or not site.strip():
        raise ChangeRequestError("site", "must not be empty")
    if not 1 <= port <= 65535:
        raise ChangeRequestError("port", "must be between 1 and 65535, got %s" % port)
    sources = sources_of(zvm_addresses)
    endpoints = {
        "new": (fqdn_of("new_url", new_url), networks_of("new_cidrs", new_cidrs)),
        "legacy": (fqdn_of("legacy_url", legacy_url), networks_of("legacy_cidrs", legacy_cidrs)),
    }
    if not endpoints["new"][0] and not endpoints["new"][1]:
        raise ChangeRequestError("new_url", "give new_url, new_cidrs or both (what to allow before the upgrade)")
    rows = []
    for phase, change, label in PHASES:
        host, networks = endpoints[label]
        destinations = ([("fqdn", host)] if host else []) + [("cidr", str(n)) for n in networks]
        for kind, destination in destinations:
            for source in sources:
                rows.append(dict(site=site.strip(), phase=phase, change=change,
                                 rule_name="%s-zerto-billing-%s" % (slug(site), label), source=source,
                                 destination_type=kind, destination=destination, protocol=PROTOCOL,
                                 port=port, action="allow"))
    return rows
