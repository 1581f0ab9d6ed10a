# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading and atomically replacing persisted firewall configuration files."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import stat
import tempfile


def read_text(path):
    """File content, or None when the file does not exist."""
    try:
        with open(path, "r") as handle:
            return handle.read()
    except (IOError, OSError) as exc:
        if not os.path.exists(path):
            return None
        raise exc


def write_atomic(path, text, default_mode=0o644):
    directory = os.path.dirname(path) or "."
    if not os.path.isdir(directory):
        os.makedirs(directory, 0o755)
    mode, owner = default_mode, None
    if os.path.exists(path):
        status = os.stat(path)
        mode, owner = stat.S_IMODE(status.st_mode), (status.st_uid, status.st_gid)
    fd, tmp = tempfile.mkstemp(prefix=".zerto_billing.", dir=directory)
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if owner is not None and owner != (os.getuid(), os.getgid()):
            os.chown(tmp, owner[0], owner[1])
        os.chmod(tmp, mode)
        os.rename(tmp, path)
    except Exception:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def remove_file(path):
    if os.path.exists(path):
        os.unlink(path)


class FileChange(object):
    """A planned file content change; `after` None means delete the file."""

    def __init__(self, path, before, after):
        self.path = path
        self.before = before
        self.after = after

    @property
    def changed(self):
        return self.before != self.after

    def write(self):
        if self.after is None:
            remove_file(self.path)
        else:
            write_atomic(self.path, self.after)

    def to_dict(self):
        return {"path": self.path, "before": self.before or "", "after": self.after or ""}
