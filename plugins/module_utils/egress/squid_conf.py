# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""squid.conf as lines: its directives, and the two lines the collection adds (a marker comment
and the include of its ACL file) just before the first `http_access deny`."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

INCLUDE_MARKER = "# zerto_msp.billing egress: allow CONNECT to Zerto billing endpoints (managed by Ansible)"


class Directive(object):
    def __init__(self, index, name, args, line):
        self.index = index
        self.name = name
        self.args = args
        self.line = line


def directives(text):
    """Every directive with its 0-based line index. Squid comments are whole lines starting with #."""
    found = []
    for index, line in enumerate((text or "").splitlines(True)):
        tokens = line.split()
        if tokens and not tokens[0].startswith("#"):
            found.append(Directive(index, tokens[0].lower(), tokens[1:], line))
    return found


def include_line(acl_path):
    return "include %s\n" % acl_path


def is_our_line(line, acl_path):
    stripped = line.strip()
    return stripped == INCLUDE_MARKER or stripped.split() == ["include", acl_path]


def without_include(text, acl_path):
    return "".join(line for line in (text or "").splitlines(True) if not is_our_line(line, acl_path))


def insert_position(lines):
    """Index of the first `http_access deny`, else of the first `http_access`, else the end."""
    access = [d for d in directives("".join(lines)) if d.name == "http_access"]
    for directive in access:
        if directive.args[:1] == ["deny"]:
            return directive.index
    return access[0].index if access else len(lines)


def with_include(text, acl_path):
    """`text` with our marker and include just before the first http_access deny; unchanged if
    they are already there."""
    lines = without_include(text, acl_path).splitlines(True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    position = insert_position(lines)
    lines[position:position] = [INCLUDE_MARKER + "\n", include_line(acl_path)]
    return "".join(lines)
