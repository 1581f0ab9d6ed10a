# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checking an edited nftables configuration with `nft -c -f` before any real file is written:
every file of the include tree is copied into a scratch directory at the same path below it,
with the include lines pointed at the copies, and the copy of the main file is checked."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import shutil
import tempfile

from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.files import write_atomic
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.nft_config import INCLUDE, ConfigFile


def _mirrored(root, path):
    return os.path.join(root, os.path.abspath(path).lstrip("/"))


def _with_mirrored_includes(root, config):
    text = config.text
    for statement in reversed(config.statements):
        match = INCLUDE.match(statement.text) if statement.block is None else None
        if match:
            target = os.path.normpath(os.path.join(os.path.dirname(config.path), match.group(1)))
            text = text[:statement.start] + 'include "%s"' % _mirrored(root, target) + text[statement.end:]
    return text


def check_config(runner, nft, main_path, texts):
    """(ok, message) of `nft -c -f` on the configuration made of `texts` ({path: text})."""
    root = tempfile.mkdtemp(prefix="zerto_billing_nftcheck.")
    try:
        for path, text in texts.items():
            write_atomic(_mirrored(root, path), _with_mirrored_includes(root, ConfigFile(path, text)), default_mode=0o600)
        rc, out, err = runner.run([nft, "-c", "-f", _mirrored(root, main_path)], check=False)
        return rc == 0, (err or out or "").replace(root, "").strip()
    finally:
        shutil.rmtree(root, ignore_errors=True)
