# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The nft statements for the collection's own sets and rules, and how to recognise them."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.base import BackendError
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.markers import (
    NFT_DADDR_BY_VERSION,
    NFT_SET_TYPE_BY_VERSION,
    OWNER_COMMENT,
    SET_NAME_BY_VERSION,
)
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.nft_elements import element_text

# nft's text syntax cannot quote table or chain names, so only plain identifiers are usable.
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_./-]*$")


def name(value):
    if not _IDENTIFIER.match(value):
        raise BackendError("nftables name %r cannot be written in nft syntax; refusing to touch it" % value)
    return value


def table_ref(family, table):
    return "%s %s" % (family, name(table))


def rule_text(version, protocol, port):
    return '%s daddr @%s %s dport %d counter accept comment "%s"' % (
        NFT_DADDR_BY_VERSION[version],
        SET_NAME_BY_VERSION[version],
        protocol,
        port,
        OWNER_COMMENT,
    )


def set_declaration(family, table, version):
    return "add set %s %s { type %s; flags interval; }" % (
        table_ref(family, table),
        SET_NAME_BY_VERSION[version],
        NFT_SET_TYPE_BY_VERSION[version],
    )


def elements_text(networks):
    return ", ".join(element_text(n) for n in networks)


def add_elements(family, table, version, networks):
    return "add element %s %s { %s }" % (table_ref(family, table), SET_NAME_BY_VERSION[version], elements_text(networks))


def owned_rule_signature(rule):
    """(version, set name, protocol, port) of a rule shaped like rule_text(), else None."""
    daddr = dport = None
    accepted = False
    for expression in rule.expr:
        if not isinstance(expression, dict):
            return None
        if "match" in expression:
            match = expression["match"]
            payload = match.get("left", {}).get("payload", {}) if isinstance(match.get("left"), dict) else {}
            if match.get("op") != "==" or not payload:
                return None
            if payload.get("field") == "daddr" and payload.get("protocol") in ("ip", "ip6"):
                daddr = (4 if payload["protocol"] == "ip" else 6, match.get("right"))
            elif payload.get("field") == "dport" and payload.get("protocol") in ("tcp", "udp"):
                dport = (payload["protocol"], match.get("right"))
            else:
                return None
        elif "accept" in expression:
            accepted = True
        elif "counter" not in expression:
            return None
    if not (accepted and daddr and dport and isinstance(daddr[1], str) and daddr[1].startswith("@")):
        return None
    if not isinstance(dport[1], int):
        return None
    return daddr[0], daddr[1][1:], dport[0], dport[1]
