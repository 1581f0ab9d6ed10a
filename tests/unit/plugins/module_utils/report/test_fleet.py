# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.zerto_msp.billing.plugins.module_utils.report import fleet, records

OK_RECORD = {"host": "zvm01", "check": "new_endpoint", "status": "ok"}


def test_gathers_in_host_order_and_fills_in_hosts_without_records():
    hostvars = {"zvm01": {"zerto_billing_records": [OK_RECORD]}, "zvm02": {}, "zvm03": {"zerto_billing_records": []}}
    gathered = fleet.gather(hostvars, ["zvm02", "zvm01", "zvm03", "zvm04"])
    assert [(r["host"], r["check"], r["status"]) for r in gathered] == [
        ("zvm02", "run", "fail"), ("zvm01", "new_endpoint", "ok"), ("zvm03", "run", "fail"), ("zvm04", "run", "fail")]
    assert gathered[0]["error_class"] == "no_result"
    records.normalize(gathered)


def test_other_variable_and_check_name():
    gathered = fleet.gather({"zvm01": {"mine": [OK_RECORD]}, "zvm02": {}}, ["zvm01", "zvm02"], "mine", "play")
    assert [r["check"] for r in gathered] == ["new_endpoint", "play"]


@pytest.mark.parametrize("hostvars, hosts, check, word", [
    ({}, "zvm01", "run", "hosts must be a list"),
    ({}, ["zvm01"], "", "check"),
    ({"zvm01": {"zerto_billing_records": "oops"}}, ["zvm01"], "run", "zerto_billing_records of host zvm01"),
])
def test_bad_input(hostvars, hosts, check, word):
    with pytest.raises(fleet.GatherError) as caught:
        fleet.gather(hostvars, hosts, check=check)
    assert word in str(caught.value)
