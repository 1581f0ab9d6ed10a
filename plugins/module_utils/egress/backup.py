# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Saving the exact prior state before a removal: firewall snapshots and copies of every file
about to be edited, under <backup_dir>/<UTC timestamp>/, with a manifest."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import time

from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.files import read_text, write_atomic


def backup_path(backup_dir, now=None):
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now))
    path = os.path.join(backup_dir, stamp)
    suffix = 1
    while os.path.exists(path):
        suffix += 1
        path = os.path.join(backup_dir, "%s-%d" % (stamp, suffix))
    return path


def write_backup(path, snapshots, file_paths, manifest):
    """snapshots: {"<backend>/<name>": text}; file_paths: files to copy as they are now."""
    written = []
    if not os.path.isdir(path):
        os.makedirs(path, 0o700)
    for name, text in sorted(snapshots.items()):
        target = os.path.join(path, name)
        write_atomic(target, text, default_mode=0o600)
        written.append(target)
    copies = {}
    for source in file_paths:
        content = read_text(source)
        if content is None:
            continue
        target = os.path.join(path, "files", source.lstrip("/"))
        write_atomic(target, content, default_mode=0o600)
        copies[source] = target
        written.append(target)
    manifest = dict(manifest, files=copies)
    target = os.path.join(path, "manifest.json")
    write_atomic(target, json.dumps(manifest, indent=2, sort_keys=True) + "\n", default_mode=0o600)
    written.append(target)
    return written
