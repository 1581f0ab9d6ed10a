# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Finding given (legacy) host names and addresses in Squid `dstdomain` / `dst` ACLs, inline or in
value files, and removing exactly those values, leaving every other byte of the file alone."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import re

from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.base import Entry
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.destinations import covered_by, overlaps_any
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.files import FileChange
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.squid_hostnames import covers

MATCH, WIDER = "match", "wider"


def classify_domain(value, hostnames):
    name = value.lower().rstrip(".")
    for host in hostnames:
        bare = host.lstrip(".")
        if name in (bare, "." + bare):
            return MATCH
        if covers(name, bare):
            return WIDER
    return None


def classify_address(value, networks):
    try:
        network = ipaddress.ip_network(value, strict=False)
    except ValueError:
        return None
    if covered_by(network, networks):
        return MATCH
    return WIDER if overlaps_any(network, networks) else None


def classify(acl_type, value, hostnames, networks):
    if acl_type == "dstdomain":
        return classify_domain(value, hostnames)
    if acl_type == "dst":
        return classify_address(value, networks)
    return None


def inline_entry(config, acl, hostnames, networks, acl_path):
    kinds = dict((v, classify(acl.type, v, hostnames, networks)) for v in acl.values)
    matched = [v for v in acl.values if kinds[v] == MATCH]
    wider = [v for v in acl.values if kinds[v] == WIDER]
    if not matched and not wider:
        return None
    others = [v for v in acl.values if kinds[v] != MATCH] + ['"%s"' % f for f in acl.value_files]
    if wider:
        action, reason = "manual_review", "also matches other destinations (a wider domain or network): %s" % wider
    elif others:
        action, reason = "narrow", "the line also lists other values: only the matching ones go"
    elif len(config.definitions_of(acl.name)) > 1:
        action, reason = "remove", "the line lists only the given destinations"
    else:
        action, reason = "manual_review", ("it is the only definition of ACL %s; removing it would leave the "
                                           "http_access lines that use it undefined" % acl.name)
    location = {"path": acl.path, "line": acl.number, "acl": acl.name, "type": acl.type}
    return Entry("squid", "acl_line", location, acl.line.rstrip("\n"), matched, others, action, reason,
                 owned=acl.path == acl_path)


def value_file_entries(config, acl, paths, hostnames, networks, acl_path):
    entries = []
    for path in paths:
        for number, line in enumerate((config.files.get(path) or "").splitlines(), 1):
            tokens = line.split()
            if not tokens or tokens[0].startswith("#"):
                continue
            kind = classify(acl.type, tokens[0], hostnames, networks)
            if kind is None:
                continue
            location = {"path": path, "line": number, "acl": acl.name, "type": acl.type}
            if kind == MATCH:
                action, reason = "remove", "a value line of ACL %s naming only a given destination" % acl.name
            else:
                action, reason = "manual_review", "a wider domain or network that also matches other destinations"
            entries.append(Entry("squid", "acl_file_line", location, line, [tokens[0]] if kind == MATCH else [],
                                 [] if kind == MATCH else [tokens[0]], action, reason, owned=path == acl_path))
    return entries


def find_entries(config, hostnames, networks, acl_path):
    entries = []
    seen_files = set()
    for acl in config.acls:
        if acl.type not in ("dstdomain", "dst"):
            continue
        entry = inline_entry(config, acl, hostnames, networks, acl_path)
        if entry:
            entries.append(entry)
        fresh = [f for f in acl.value_files if f not in seen_files]
        seen_files.update(fresh)
        entries.extend(value_file_entries(config, acl, fresh, hostnames, networks, acl_path))
    return entries


def without_values(line, values):
    for value in values:
        line = re.sub(r"[ \t]+" + re.escape(value) + r"(?=\s|$)", "", line, count=1)
    return line


def removal_changes(config, entries):
    """FileChanges, in the order the files were read, removing or narrowing the given entries."""
    edits = {}
    for entry in entries:
        if entry.action in ("remove", "narrow"):
            edits.setdefault(entry.location["path"], []).append(entry)
    changes = []
    for path in config.order:
        if path not in edits:
            continue
        lines = config.files[path].splitlines(True)
        for entry in edits[path]:
            index = entry.location["line"] - 1
            lines[index] = None if entry.action == "remove" else without_values(lines[index], entry.matched)
        changes.append(FileChange(path, config.files[path], "".join(line for line in lines if line is not None)))
    return changes
