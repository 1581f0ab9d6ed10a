# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading a persisted nftables configuration (the main file and every file it includes) into
statements with their exact character spans and the table/chain/set block they sit in."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import os
import re

from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.files import read_text

_FAMILIES = ("ip", "ip6", "inet", "arp", "bridge", "netdev")
_TABLE = re.compile(r"^table\s+(?:(ip|ip6|inet|arp|bridge|netdev)\s+)?([A-Za-z_][A-Za-z0-9_./-]*)$")
_BLOCK = re.compile(r"^(chain|set|map|flowtable|counter|quota|limit|ct\s+\w+)\s+([A-Za-z_][A-Za-z0-9_./-]*)$")
INCLUDE = re.compile(r'^include\s+"([^"]+)"$')


class Block(object):
    """A `table`, `chain`, `set` (...) block: kind, name, the table it is in, and the span from
    its header to just after its closing brace."""

    def __init__(self, kind, name, family, table, start):
        self.kind, self.name, self.family, self.table = kind, name, family, table
        self.start, self.end = start, None


class Statement(object):
    """One statement: text[start:end] of its file, and the innermost named block around it."""

    def __init__(self, config, start, end, block):
        self.config, self.start, self.end, self.block = config, start, end, block

    @property
    def text(self):
        return self.config.text[self.start:self.end]

    @property
    def line(self):
        return self.config.text.count("\n", 0, self.start) + 1

    @property
    def where(self):
        return "%s:%d" % (self.config.path, self.line)


class ConfigFile(object):
    def __init__(self, path, text):
        self.path, self.text = path, text
        self.blocks = []
        self.statements = []
        _scan(self)

    def includes(self):
        """Include patterns as written, resolved against this file's directory."""
        found = []
        for statement in self.statements:
            match = INCLUDE.match(statement.text) if statement.block is None else None
            if match:
                found.append(os.path.normpath(os.path.join(os.path.dirname(self.path), match.group(1))))
        return found


def _header(text):
    """(kind, name, family-or-None) when `text` opens a named block, else None."""
    words = " ".join(text.split())
    match = _TABLE.match(words)
    if match:
        return "table", match.group(2), match.group(1) or "ip"
    match = _BLOCK.match(words)
    if match:
        return match.group(1), match.group(2), None
    return None


def _scan(config):
    text = config.text
    stack = []
    start, index, quoted = 0, 0, False
    while index < len(text):
        char = text[index]
        if quoted:
            quoted = char != '"'
        elif char == '"':
            quoted = True
        elif char == "#":
            newline = text.find("\n", index)
            newline = len(text) if newline < 0 else newline
            if not stack or stack[-1] is not None:
                _close(config, stack, start, index)
                start = newline
            index = newline
            continue
        elif char == "{":
            header = _header(text[start:index]) if not stack or stack[-1] is not None else None
            if header:
                kind, name, family = header
                outer = _innermost(stack)
                table = name if kind == "table" else (outer.table if outer else None)
                family = family or (outer.family if outer else None)
                block = Block(kind, name, family, table, _first_visible(text, start, index))
                stack.append(block)
                config.blocks.append(block)
                start = index + 1
            else:
                stack.append(None)
        elif char == "}":
            if stack and stack[-1] is None:
                stack.pop()
            elif stack:
                _close(config, stack, start, index)
                stack.pop().end = index + 1
                start = index + 1
        elif char in "\n;" and (not stack or stack[-1] is not None):
            _close(config, stack, start, index)
            start = index + 1
        index += 1
    _close(config, stack, start, len(text))


def _innermost(stack):
    for block in reversed(stack):
        if block is not None:
            return block
    return None


def _first_visible(text, start, end):
    while start < end and text[start].isspace():
        start += 1
    return start


def _close(config, stack, start, end):
    """Record text[start:end] as a statement of the innermost block, trimmed of blanks."""
    if stack and stack[-1] is None:
        return
    start = _first_visible(config.text, start, end)
    while end > start and config.text[end - 1].isspace():
        end -= 1
    if end > start:
        config.statements.append(Statement(config, start, end, _innermost(stack)))


def read_config(main_path):
    """ConfigFile objects for the main file and every file it includes (globs expanded, in
    nft's sorted order), each once."""
    found, seen = [], set()
    pending = [os.path.abspath(main_path)]
    while pending:
        path = pending.pop(0)
        if path in seen:
            continue
        seen.add(path)
        text = read_text(path)
        if text is None or os.path.isdir(path):
            continue
        config = ConfigFile(path, text)
        found.append(config)
        for pattern in config.includes():
            magic = any(char in pattern for char in "*?[")
            pending.extend(sorted(glob.glob(pattern)) if magic else [pattern])
    return found
