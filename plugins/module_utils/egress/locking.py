# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""An exclusive host-wide lock so that overlapping runs (two AWX jobs) read-compute-apply in turn."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import fcntl
import os
import time
from contextlib import contextmanager

DEFAULT_LOCK_PATH = "/run/zerto_msp_billing.lock"


class LockTimeout(Exception):
    pass


@contextmanager
def exclusive_lock(path, timeout):
    directory = os.path.dirname(path)
    if directory and not os.path.isdir(directory):
        os.makedirs(directory, 0o755)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except (IOError, OSError) as exc:
                if exc.errno not in (errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    raise LockTimeout("another run holds %s; gave up after %s seconds" % (path, timeout))
                time.sleep(0.1)
        yield
    finally:
        os.close(fd)
