# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.zerto_msp.billing.plugins.module_utils.zvm_version import parse_version


@pytest.mark.parametrize('raw, text, parts', [
    ('9.7.0.5', '9.7.0.5', [9, 7, 0, 5]),
    ('10.0.30.1234', '10.0.30.1234', [10, 0, 30, 1234]),
    ('8.5', '8.5', [8, 5]),
    ('9', '9', [9]),
    ('10.0_U1', '10.0 U1', [10, 0, 1]),
    ('9.5U1', '9.5 U1', [9, 5, 1]),
    ('9.7 u4', '9.7 U4', [9, 7, 4]),
    ('10.0 Update 5', '10.0 U5', [10, 0, 5]),
    ('10.0.U2', '10.0 U2', [10, 0, 2]),
    ('10.0_U5_P1', '10.0 U5 P1', [10, 0, 5, 1]),
    ('10.0 Update 5 Patch 2', '10.0 U5 P2', [10, 0, 5, 2]),
    ('10.0 P3', '10.0 U0 P3', [10, 0, 0, 3]),
    ('  Zerto 10.0 U2 (10.0.20.162) ', '10.0 U2', [10, 0, 2]),
    ('v9.0', '9.0', [9, 0]),
    ('09.07', '9.7', [9, 7]),
])
def test_accepted_forms(raw, text, parts):
    assert parse_version(raw) == (text, parts)


@pytest.mark.parametrize('raw', [None, '', 'latest', '10.x', '9.7.', 'U1', '10.0 beta', '10.0_U'])
def test_rejected_forms(raw):
    assert parse_version(raw) is None


def test_parts_compare_as_versions():
    older, newer, gate = parse_version('8.5.10')[1], parse_version('10.0_U1')[1], parse_version('9.0')[1]
    assert older < gate <= parse_version('9.7.0.5')[1] < newer
    assert parse_version('10.0')[1] < parse_version('10.0 U1')[1] < parse_version('10.0 U1 P1')[1]
