# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading a Squid configuration as Squid does: squid.conf, the files it includes, and the `acl`
lines with their inline values and the value files they reference (`acl NAME dstdomain "/path"`)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob

from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.files import read_text
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.squid_conf import directives

MAX_INCLUDE_DEPTH = 16


class AclLine(object):
    """One `acl NAME TYPE [flags] value... "file"...` line."""

    def __init__(self, path, directive):
        self.path = path
        self.number = directive.index + 1
        self.line = directive.line
        self.name = directive.args[0]
        self.type = directive.args[1].lower()
        tokens = directive.args[2:]
        while tokens and tokens[0].startswith("-"):
            tokens = tokens[1:]
        self.values = [t for t in tokens if not t.startswith('"')]
        self.value_files = [t.strip('"') for t in tokens if t.startswith('"')]


class SquidConfig(object):
    """`files`: {path: text} of everything read (squid.conf first); `acls`: every AclLine."""

    def __init__(self, conf_path):
        self.conf_path = conf_path
        self.files = {}
        self.order = []
        self.acls = []

    @classmethod
    def read(cls, conf_path, extra_paths=()):
        config = cls(conf_path)
        config.visit(conf_path, 0)
        for path in extra_paths:
            config.remember(path)
        return config

    def remember(self, path):
        if path in self.files:
            return self.files[path]
        text = read_text(path)
        if text is not None:
            self.files[path] = text
            self.order.append(path)
        return text

    def visit(self, path, depth):
        if path in self.files or depth > MAX_INCLUDE_DEPTH:
            return
        text = self.remember(path)
        for directive in directives(text):
            if directive.name == "include":
                for pattern in directive.args:
                    for included in sorted(glob.glob(pattern)):
                        self.visit(included, depth + 1)
            elif directive.name == "acl" and len(directive.args) >= 3:
                acl = AclLine(path, directive)
                self.acls.append(acl)
                for value_file in acl.value_files:
                    self.remember(value_file)

    def definitions_of(self, name):
        return [acl for acl in self.acls if acl.name == name]
