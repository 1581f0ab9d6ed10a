# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""/etc/hosts pins of given names: a line naming only them is removed, a line that also names
others loses just those names."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.base import Entry


def find_pins(text, hostnames, path):
    wanted = set(name.lower().rstrip(".") for name in hostnames)
    entries = []
    for number, line in enumerate((text or "").splitlines(), 1):
        content = line.split("#", 1)[0].split()
        if len(content) < 2:
            continue
        names = content[1:]
        matched = [n for n in names if n.lower().rstrip(".") in wanted]
        if not matched:
            continue
        others = [n for n in names if n not in matched]
        action = "narrow" if others else "remove"
        reason = "also names other hosts" if others else "pins only the given names"
        entries.append(Entry("hosts", "hosts_line", {"path": path, "line": number, "address": content[0]},
                             line, matched, others, action, reason))
    return entries


def without_pins(text, entries):
    lines = text.splitlines(True)
    for entry in entries:
        index = entry.location["line"] - 1
        if entry.action == "remove":
            lines[index] = None
        elif entry.action == "narrow":
            ending = "\n" if lines[index].endswith("\n") else ""
            comment = ""
            if "#" in lines[index]:
                comment = " #" + lines[index].rstrip("\n").split("#", 1)[1]
            lines[index] = "\t".join([entry.location["address"]] + entry.others) + comment + ending
    return "".join(line for line in lines if line is not None)
