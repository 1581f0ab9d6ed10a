# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Talking to a running firewalld through firewall-cmd, and reading its listings
(`--list-all-policies`, `--list-all-zones`, `--info-ipset`, `--direct --get-all-rules`)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import shlex

from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.base import BackendError

RUNTIME, PERMANENT = "runtime", "permanent"
VIEWS = (RUNTIME, PERMANENT)


def parse_listing(text):
    """{name: {"key": "value", ..., "rich rules": [rule, ...]}} from --list-all-zones/-policies
    or one --info-policy/--info-ipset block."""
    objects, current, key = {}, None, None
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        if not line[0].isspace():
            name = line.split(" (")[0].strip()
            current = objects.setdefault(name, {"rich rules": []})
            key = None
        elif current is None:
            continue
        elif line.startswith("\t") and key == "rich rules":
            current["rich rules"].append(line.strip())
        else:
            key, unused, value = line.strip().partition(":")
            if key != "rich rules":
                current[key] = value.strip()
    return objects


def words(value):
    return (value or "").split()


def parse_direct_rules(text):
    """[(ipv, table, chain, priority, [args])] from --direct --get-all-rules."""
    rules = []
    for line in (text or "").splitlines():
        parts = shlex.split(line)
        if len(parts) >= 4:
            rules.append((parts[0], parts[1], parts[2], parts[3], parts[4:]))
    return rules


class FirewallCmd(object):
    def __init__(self, runner):
        self.runner = runner
        self._binary = None

    @property
    def binary(self):
        if self._binary is None:
            self._binary = self.runner.which("firewall-cmd")
            if not self._binary:
                raise BackendError("backend firewalld: firewall-cmd is not installed")
        return self._binary

    def running(self):
        rc, out, err = self.runner.run([self.binary, "--state"], check=False)
        return rc == 0 and out.strip() == "running"

    def run(self, args, view=RUNTIME, check=True):
        argv = [self.binary] + (["--permanent"] if view == PERMANENT else []) + list(args)
        return self.runner.run(argv, check=check)[1]

    def ipsets(self, view):
        found = {}
        for name in words(self.run(["--get-ipsets"], view)):
            found.update(parse_listing(self.run(["--info-ipset=%s" % name], view)))
        return found
