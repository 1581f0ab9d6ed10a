# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.zerto_msp.billing.plugins.filter.fleet_records import FilterModule


def test_registered_under_its_name():
    assert set(FilterModule().filters()) == {"fleet_records"}


def test_gathers_and_names_itself_in_errors():
    gather = FilterModule().filters()["fleet_records"]
    assert gather({"zvm01": {}}, ["zvm01"])[0]["error_class"] == "no_result"
    with pytest.raises(AnsibleFilterError) as caught:
        gather({}, "zvm01")
    assert "zerto_msp.billing.fleet_records: hosts" in str(caught.value)
