# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.zerto_msp.billing.plugins.module_utils.report import records

from report_samples import build, sample_records


def test_hosts_sorted_checks_in_first_seen_order(report):
    assert [r["host"] for r in report["records"]] == ["zvm01", "zvm01", "zvm02", "zvm02", "zvm03"]
    assert report["checks"] == ["new_endpoint", "legacy_endpoint"]
    assert [r["check"] for r in report["records"][:2]] == ["new_endpoint", "legacy_endpoint"]


def test_counts_verdict_and_host_status(report):
    assert report["counts"] == {"ok": 2, "warn": 1, "fail": 1, "skipped": 1, "total": 5}
    assert report["host_counts"] == {"ok": 0, "warn": 1, "fail": 1, "skipped": 1, "total": 3}
    assert report["verdict"] == "fail"
    assert report["failed_hosts"] == ["zvm01"]
    assert report["warn_hosts"] == ["zvm02"]
    assert report["error_classes"] == {"tcp_timeout": "Filtered upstream."}


def test_missing_optional_fields_become_null_and_empty_data(report):
    record = report["records"][1]
    assert record == {"host": "zvm01", "check": "legacy_endpoint", "status": "ok", "error_class": None,
                      "meaning": None, "detail": None, "data": {}}


def test_summary_names_failed_and_warned_hosts(report):
    assert report["summary"].startswith("pre_upgrade run 42 at 2026-11-28T06:00:00Z: 3 hosts, 0 ok, "
                                        "1 with warnings, 1 failed, 1 skipped.")
    assert "Failed: zvm01 (new_endpoint: tcp_timeout)" in report["summary"]
    assert "Warnings: zvm02 (legacy_endpoint: tcp_timeout)" in report["summary"]


def test_summary_caps_the_named_hosts():
    many = [{"host": "zvm%02d" % i, "check": "new", "status": "fail", "error_class": "dns_failure"}
            for i in range(15)]
    assert "and 5 more" in build(many)["summary"]


def test_no_records_is_skipped():
    report = build([])
    assert report["verdict"] == "skipped"
    assert report["counts"]["total"] == 0


def test_stats_key_per_playbook(report):
    stats = records.stats(report)
    assert list(stats) == ["zerto_billing_report_pre_upgrade"]
    assert stats["zerto_billing_report_pre_upgrade"]["failed_hosts"] == ["zvm01"]
    assert "records" not in stats["zerto_billing_report_pre_upgrade"]


@pytest.mark.parametrize("recs, words", [
    ("nope", ["records", "must be a list"]),
    (["x"], ["records[0]", "dictionary"]),
    ([{"host": "a", "check": "c", "status": "green"}], ["records[0].status", "ok, warn, fail, skipped"]),
    ([{"host": "", "check": "c", "status": "ok"}], ["records[0].host", "non-empty"]),
    ([{"host": "a", "status": "ok"}], ["records[0].check"]),
    ([{"host": "a", "check": "c", "status": "ok", "colour": "red"}], ["records[0]", "unknown field", "colour"]),
    ([{"host": "a", "check": "c", "status": "ok", "detail": 3}], ["records[0].detail", "string"]),
    ([{"host": "a", "check": "c", "status": "ok", "data": [1]}], ["records[0].data", "dictionary"]),
    ([{"host": "a", "check": "c", "status": "ok", "data": {"x": object()}}], ["records[0].data", "JSON"]),
    ([{"host": "a", "check": "c", "status": "ok"}, {"host": "a", "check": "c", "status": "fail"}],
     ["records[1]", "records[0]", "one record per host and check"]),
])
def test_bad_records_name_the_option_and_the_record(recs, words):
    with pytest.raises(records.InputError) as caught:
        records.normalize(recs)
    assert caught.value.option == "records"
    for word in words:
        assert word in str(caught.value)


@pytest.mark.parametrize("value", ["Pre-Upgrade", "1st", "", "a" * 65, None])
def test_bad_playbook(value):
    with pytest.raises(records.InputError) as caught:
        records.check_playbook(value)
    assert caught.value.option == "playbook"


@pytest.mark.parametrize("value", ["../x", "a/b", ".hidden", "", "..", "a b"])
def test_bad_file_names(value):
    with pytest.raises(records.InputError) as caught:
        records.check_file_name("run_id", value)
    assert str(caught.value).startswith("run_id: ")


@pytest.mark.parametrize("value, good", [
    ("2026-11-28T06:00:00Z", True), ("2026-11-28T06:00:00.123+01:00", True),
    ("2026-11-28T06:00:00", False), ("2026-13-28T06:00:00Z", False), ("yesterday", False), (5, False),
])
def test_timestamps(value, good):
    if good:
        assert records.check_timestamp(value) == value
    else:
        with pytest.raises(records.InputError) as caught:
            records.check_timestamp(value)
        assert caught.value.option == "generated_at"


def test_input_is_not_modified():
    recs = sample_records()
    build(recs)
    assert recs == sample_records()
