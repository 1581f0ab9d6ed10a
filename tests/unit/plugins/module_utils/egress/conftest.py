# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Make `ansible_collections.zerto_msp.billing` importable when pytest runs from the work tree
(ansible-test units runs from build/ansible_collections/... where it already is)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import atexit
import os
import shutil
import sys
import tempfile

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", "..", "..", ".."))
FIXTURES = os.path.join(HERE, "fixtures")


def _ensure_importable():
    try:
        import ansible_collections.zerto_msp.billing.plugins.module_utils.egress  # noqa: F401
        return
    except ImportError:
        pass
    base = tempfile.mkdtemp(prefix="zbr-unit-")
    atexit.register(shutil.rmtree, base, True)
    os.makedirs(os.path.join(base, "ansible_collections", "zerto_msp"))
    os.symlink(ROOT, os.path.join(base, "ansible_collections", "zerto_msp", "billing"))
    sys.path.insert(0, base)


_ensure_importable()


def read_fixture(name):
    with open(os.path.join(FIXTURES, name)) as handle:
        return handle.read()


@pytest.fixture
def fixture_text():
    return read_fixture
