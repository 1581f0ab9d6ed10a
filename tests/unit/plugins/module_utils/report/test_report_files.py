# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible_collections.zerto_msp.billing.plugins.module_utils.report import files


def test_write_replaces_and_leaves_no_temp_file(tmp_path):
    path = str(tmp_path / "r.json")
    files.write_atomic(path, "one\n")
    files.write_atomic(path, "two é\n")
    assert files.read_text(path) == "two é\n"
    assert os.listdir(str(tmp_path)) == ["r.json"]
    assert os.stat(path).st_mode & 0o777 == 0o644


def test_missing_file_reads_as_none(tmp_path):
    assert files.read_text(str(tmp_path / "nothing")) is None


def test_failed_write_leaves_no_temp_file(tmp_path):
    path = str(tmp_path / "r.json")
    try:
        files.write_atomic(path, None)
    except AttributeError:
        pass
    assert os.listdir(str(tmp_path)) == []
