# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.zerto_msp.billing.plugins.filter.probe_records import FilterModule


def test_registered_under_its_name():
    assert set(FilterModule().filters()) == {"probe_records"}


def test_converts_and_names_itself_in_errors():
    convert = FilterModule().filters()["probe_records"]
    assert convert({"reachable": True, "all_reachable": True, "error_classes": {"ok": 1}}, "zvm01",
                   "new_endpoint")[0]["status"] == "ok"
    with pytest.raises(AnsibleFilterError) as caught:
        convert({}, "zvm01", "new_endpoint", expect="maybe")
    assert "zerto_msp.billing.probe_records: expect" in str(caught.value)
