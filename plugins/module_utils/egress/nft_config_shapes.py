# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading nft config text as values: the destination/port/verdict shape of a plain allow rule,
the items of a set's `elements = { ... }`, and the addresses a statement mentions."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import re

_COMMENT = re.compile(r'\bcomment\s+"[^"]*"')
_COUNTER = re.compile(r"\bcounter(\s+packets\s+\d+\s+bytes\s+\d+)?")
_VALUE = r"(\{[^}]*\}|[^\s{}]+)"
_PARTS = [
    ("daddr", re.compile(r"(ip6?)\s+daddr\s+" + _VALUE)),
    ("dport", re.compile(r"(tcp|udp|th)\s+dport\s+" + _VALUE)),
    ("verdict", re.compile(r"(accept|drop|reject)\b")),
]
_RULE_COMMAND = re.compile(r"^(add|insert)\s+rule\s+(?:(?:ip|ip6|inet)\s+)?\S+\s+\S+\s+")
_ADDRESS_TOKEN = re.compile(r"[0-9A-Fa-f:.]+(?:/[0-9]{1,3})?(?:-[0-9A-Fa-f:.]+)?")
_SERVICES = {"https": 443, "http": 80}


class RuleShape(object):
    """daddr: frozenset of networks or "@set"; ports: frozenset or None (no port match)."""

    def __init__(self, daddr, protocol, ports, verdict):
        self.daddr, self.protocol, self.ports, self.verdict = daddr, protocol, ports, verdict


def value_networks(text):
    """Networks of one address, prefix or range written in nft syntax, or None."""
    try:
        if "-" in text and "/" not in text:
            low, high = [ipaddress.ip_address(part.strip()) for part in text.split("-", 1)]
            return list(ipaddress.summarize_address_range(low, high))
        return [ipaddress.ip_network(text.strip(), strict=False)]
    except (ValueError, TypeError):
        return None


def _items(value):
    if value.startswith("{"):
        return [item.strip() for item in value[1:-1].split(",") if item.strip()]
    return [value]


def _networks(value):
    if value.startswith("@"):
        return value
    found = []
    for item in _items(value):
        networks = value_networks(item)
        if networks is None:
            return None
        found.extend(networks)
    return frozenset(found)


def _ports(value):
    ports = set()
    for item in _items(value):
        if item in _SERVICES:
            ports.add(_SERVICES[item])
        elif re.match(r"^\d+-\d+$", item):
            low, high = [int(part) for part in item.split("-")]
            ports.update(range(low, high + 1))
        elif item.isdigit():
            ports.add(int(item))
        else:
            return None
    return frozenset(ports)


def rule_shape(text):
    """RuleShape of a statement made only of daddr, dport and a verdict (plus counter and
    comment), or None when it holds anything else or a value that cannot be read."""
    text = _COUNTER.sub(" ", _COMMENT.sub(" ", _RULE_COMMAND.sub("", text.strip())))
    found, position = {}, 0
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if position == len(text):
            break
        for part, pattern in _PARTS:
            match = pattern.match(text, position)
            if match and part not in found:
                found[part] = match
                position = match.end()
                break
        else:
            return None
    if "verdict" not in found or "daddr" not in found:
        return None
    daddr = _networks(found["daddr"].group(2))
    dport = found.get("dport")
    ports = _ports(dport.group(2)) if dport else None
    if daddr is None or (dport and ports is None):
        return None
    return RuleShape(daddr, dport.group(1) if dport else None, ports, found["verdict"].group(1))


def mentioned_networks(text):
    """Every address, prefix or range written in the text."""
    found = []
    for token in _ADDRESS_TOKEN.findall(_COMMENT.sub(" ", text)):
        if ("." in token or ":" in token) and not token.strip(":.") == "":
            found.extend(value_networks(token) or [])
    return found


def element_items(text, offset):
    """[(start, end, networks or None)] of the items of `elements = { ... }` in text, spans
    absolute (text starts at `offset`); None when the statement is not such a list."""
    match = re.match(r"elements\s*=\s*\{", text)
    if not match or not text.endswith("}"):
        return None
    items, start = [], match.end()
    body = re.sub(r"#[^\n]*", lambda m: " " * len(m.group(0)), text[:-1])
    for piece in re.finditer(r"[^,]+", body[start:]):
        raw = piece.group(0)
        if not raw.strip():
            continue
        left = start + piece.start() + len(raw) - len(raw.lstrip())
        right = start + piece.start() + len(raw.rstrip())
        items.append((offset + left, offset + right, value_networks(body[left:right])))
    return items
