# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Squid backend: the allowlist is the forward proxy's. The collection owns one ACL file, included
from squid.conf just before the first `http_access deny`. Every change is checked with
`squid -k parse` before Squid is told to reload; a rejected change is rolled back."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import shutil
import tempfile

from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.base import BackendError, EgressBackend, Plan
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.files import FileChange
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.squid_acl_file import owned_entries, render
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.squid_conf import with_include, without_include
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.squid_config import SquidConfig
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.squid_entries import find_entries, removal_changes
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.squid_hostnames import HostnameError, host_of

DEFAULT_CONF_PATH = "/etc/squid/squid.conf"
# Not *.conf: Debian's squid.conf already includes /etc/squid/conf.d/*.conf at a fixed place.
DEFAULT_ACL_PATH = "/etc/squid/conf.d/zerto_billing.acl"
PARSE_LINES_SHOWN = 8


class SquidBackend(EgressBackend):
    name = "squid"
    finds_hostnames = True

    def __init__(self, runner, conf_path, acl_path, binary="squid", hostnames=()):
        self.runner = runner
        self.conf_path = conf_path
        self.acl_path = acl_path
        self.binary_name = binary
        try:
            self.hostnames = sorted(set(host_of(name) for name in hostnames))
        except HostnameError as exc:
            raise BackendError("hostnames: entry %r %s" % (exc.entry, exc.reason))
        self.config = None

    def binary(self):
        path = self.binary_name if os.path.isabs(self.binary_name) else self.runner.which(self.binary_name)
        if not path or not os.path.exists(path):
            raise BackendError("squid_binary: %s not found on this host" % self.binary_name)
        return path

    def read_state(self):
        if not os.path.exists(self.conf_path):
            raise BackendError("squid_conf_path: %s does not exist" % self.conf_path)
        self.config = SquidConfig.read(self.conf_path, extra_paths=[self.acl_path])
        return self.config

    # --- allow / revoke -------------------------------------------------------------------
    def plan_for(self, state, acl_text):
        conf_before = state.files[self.conf_path]
        acl_before = state.files.get(self.acl_path)
        if acl_text is None:
            changes = [FileChange(self.conf_path, conf_before, without_include(conf_before, self.acl_path)),
                       FileChange(self.acl_path, acl_before, None)]
        else:
            changes = [FileChange(self.acl_path, acl_before, acl_text),
                       FileChange(self.conf_path, conf_before, with_include(conf_before, self.acl_path))]
        changes = [c for c in changes if c.changed]
        before, after = owned_entries(acl_before), owned_entries(acl_text)
        added = [line for line in after if line not in before]
        removed = [line for line in before if line not in after]
        for change in changes:
            if change.path == self.conf_path:
                (added if acl_text is not None else removed).append("%s: include %s" % (self.conf_path, self.acl_path))
            elif not added and not removed:
                added.append("%s rewritten" % self.acl_path)
        return Plan(before, after, added, removed, script_of(changes), desired=changes)

    def plan_allow(self, state, spec):
        if not self.hostnames and not spec.networks:
            raise BackendError("hostnames or destinations: give at least one for the Squid allowlist")
        return self.plan_for(state, render(self.hostnames, spec.networks, spec.port))

    def plan_revoke(self, state):
        return self.plan_for(state, None)

    # --- applying -------------------------------------------------------------------------
    def parse_check(self, conf_path):
        rc, out, err = self.runner.run([self.binary(), "-k", "parse", "-f", conf_path], check=False)
        if rc == 0:
            return
        lines = [line for line in (err + out).splitlines() if "FATAL" in line or "ERROR" in line]
        shown = lines or (err + out).splitlines()[-PARSE_LINES_SHOWN:]
        raise BackendError("squid -k parse rejected the configuration, so Squid was not reloaded (rc %s): %s" % (rc, " | ".join(shown)))

    def validate(self, plan):
        """Check mode: `squid -k parse` on a scratch copy of the changed files, with squid.conf's
        references to them pointed at the copies."""
        if not plan.desired:
            return
        scratch = tempfile.mkdtemp(prefix="zerto_billing_squid.")
        try:
            moved = dict((c.path, os.path.join(scratch, c.path.lstrip("/"))) for c in plan.desired)
            conf = next((c.after for c in plan.desired if c.path == self.conf_path), self.config.files[self.conf_path])
            for change in plan.desired:
                if change.after is not None:
                    write_scratch(moved[change.path], change.after)
            for original, copy in moved.items():
                conf = conf.replace(original, copy)
            conf_copy = os.path.join(scratch, "squid.conf")
            write_scratch(conf_copy, conf)
            self.parse_check(conf_copy)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    def apply(self, plan):
        """Write, `squid -k parse`, then `squid -k reconfigure`; on any failure put the previous
        files back (Squid keeps running on what it loaded before) and fail."""
        written = []
        try:
            for change in plan.desired:
                written.append(change)
                change.write()
            self.parse_check(self.conf_path)
            self.reconfigure()
        except (BackendError, IOError, OSError) as exc:
            for change in reversed(written):
                FileChange(change.path, change.after, change.before).write()
            raise BackendError("%s; the previous files were restored" % exc)

    def reconfigure(self):
        argv = [self.binary(), "-k", "reconfigure", "-f", self.conf_path]
        rc, out, err = self.runner.run(argv, check=False)
        if rc != 0:
            raise BackendError("%s exited %s: %s (is Squid running with this configuration?)"
                               % (" ".join(argv), rc, (err or out).strip()))

    def persist(self, plan, check_mode):
        """The files are Squid's only state, written by apply(); this reports them for --diff."""
        return list(plan.desired)

    # --- legacy entries -------------------------------------------------------------------
    def find_entries(self, state, networks, port, protocol="tcp"):
        return find_entries(state, self.hostnames, networks, self.acl_path)

    def plan_removal(self, state, entries):
        changes = removal_changes(state, entries)
        texts = [e.text.strip() for e in entries if e.action in ("remove", "narrow")]
        return Plan(texts, [], [], texts, script_of(changes), desired=changes)

    def persist_removal(self, plan, check_mode):
        return list(plan.desired)

    def snapshot(self):
        return dict(("files/%s" % path.lstrip("/"), self.config.files[path]) for path in self.config.order)


def script_of(changes):
    """What the run writes, as shown in the result's `applied`."""
    return "".join("# %s\n%s" % (c.path, c.after) if c.after is not None else "# remove %s\n" % c.path
                   for c in changes)


def write_scratch(path, text):
    directory = os.path.dirname(path)
    if not os.path.isdir(directory):
        os.makedirs(directory)
    with open(path, "w") as handle:
        handle.write(text)
