# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Persisting the owned nftables entries: a file of our own, included at the end of the host's
nftables.conf so it loads after the tables and chains it refers to."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import fnmatch
import re

from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.files import FileChange, read_text
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.markers import INCLUDE_MARKER, SET_NAME_BY_VERSION
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.nft_render import (
    add_elements,
    name,
    rule_text,
    set_declaration,
    table_ref,
)

_INCLUDE = re.compile(r'^\s*include\s+"([^"]+)"\s*$')

HEADER = """#!/usr/sbin/nft -f
# Managed by zerto_msp.billing (egress_rule): egress to Zerto billing endpoints.
# Loaded by the include line at the end of the main nftables configuration, after the tables it
# refers to. `insert rule` puts each allow at the top of its chain, ahead of any drop.
# Do not edit: the next run rewrites this file.
"""


def render_persist_file(wants):
    lines = []
    for want in wants:
        ref = table_ref(want.family, want.table)
        lines.append("add table %s" % ref)
        for version in sorted(want.sets):
            lines.append(set_declaration(want.family, want.table, version))
            lines.append("flush set %s %s" % (ref, SET_NAME_BY_VERSION[version]))
            lines.append(add_elements(want.family, want.table, version, want.sets[version]))
        for chain in want.chains:
            # A chain missing from the main configuration becomes a harmless regular chain
            # instead of failing the whole boot-time load.
            lines.append("add chain %s %s" % (ref, name(chain)))
            for version in sorted(want.sets, reverse=True):
                lines.append("insert rule %s %s %s" % (ref, chain, rule_text(version, want.protocol, want.port)))
    return HEADER + "".join(line + "\n" for line in lines)


def include_line(path):
    return 'include "%s"' % path


def includes_path(config_text, path):
    for line in config_text.splitlines():
        match = _INCLUDE.match(line)
        if match and fnmatch.fnmatch(path, match.group(1)):
            return True
    return False


def _include_block(path):
    return "\n%s\n%s\n" % (INCLUDE_MARKER, include_line(path))


def add_include(config_text, path):
    if includes_path(config_text, path):
        return config_text
    if config_text and not config_text.endswith("\n"):
        config_text += "\n"
    return config_text + _include_block(path)


def drop_include(config_text, path):
    """Exact inverse of add_include; an include line moved by hand is dropped on its own."""
    block = _include_block(path)
    if block in config_text:
        return config_text.replace(block, "", 1)
    own = include_line(path)
    kept = [line for line in config_text.splitlines(True) if line.strip() not in (own, INCLUDE_MARKER)]
    return "".join(kept)


def plan_persist(wants, persist_path, main_config):
    """FileChanges that make `wants` what loads at boot, and notes for the operator."""
    notes = []
    changes = []
    config = read_text(main_config)
    current = read_text(persist_path)
    if wants:
        changes.append(FileChange(persist_path, current, render_persist_file(wants)))
        if config is None:
            notes.append(
                "%s does not exist: %s was written but nothing loads it at boot" % (main_config, persist_path)
            )
        else:
            changes.append(FileChange(main_config, config, add_include(config, persist_path)))
    else:
        if config is not None and include_line(persist_path) in config:
            changes.append(FileChange(main_config, config, drop_include(config, persist_path)))
        if current is not None:
            changes.append(FileChange(persist_path, current, None))
    return changes, notes
