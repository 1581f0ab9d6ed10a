# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.zerto_msp.billing.plugins.module_utils.report import probe_records, records


def probe(reachable, classes, summary="a summary", **extra):
    results = []
    for name, count in sorted(classes.items()):
        results += [{"address": "198.51.100.%d" % (len(results) + 1), "error_class": name, "reachable": name == "ok"}
                    for _index in range(count)]
    result = {"changed": False, "reachable": reachable, "all_reachable": set(classes) == {"ok"},
              "summary": summary, "error_classes": classes, "results": results, "host": "billing.example.com",
              "port": 443}
    result.update(extra)
    return result


def one(result, expect="reachable"):
    converted = probe_records.records_from_probe(result, "zvm01", "new_endpoint", expect)
    assert len(converted) == 1
    records.normalize(converted)
    return converted[0]


def test_reachable_is_ok():
    record = one(probe(True, {"ok": 2}))
    assert (record["status"], record["error_class"]) == ("ok", "ok")
    assert record["detail"] == "a summary"
    assert record["data"]["error_classes"] == {"ok": 2}
    assert record["data"]["endpoint"] == "billing.example.com"


def test_unreachable_takes_the_most_frequent_failure_class():
    record = one(probe(False, {"tcp_timeout": 3, "blocked_locally": 1}, failed=True, msg="Billing endpoint check failed"))
    assert (record["status"], record["error_class"]) == ("fail", "tcp_timeout")
    assert "filtered upstream" in record["meaning"]


def test_ties_are_broken_by_name():
    assert one(probe(False, {"tcp_timeout": 1, "dns_failure": 1}))["error_class"] == "dns_failure"


def test_partly_reachable_is_a_warning():
    record = one(probe(True, {"ok": 1, "tcp_refused": 1}))
    assert (record["status"], record["error_class"]) == ("warn", "tcp_refused")


@pytest.mark.parametrize("reachable, status, error_class", [
    (True, "fail", "still_reachable"), (False, "ok", "blocked_locally")])
def test_expect_unreachable(reachable, status, error_class):
    record = one(probe(reachable, {"ok": 1} if reachable else {"blocked_locally": 1}), "unreachable")
    assert (record["status"], record["error_class"]) == (status, error_class)
    assert record["meaning"]


def test_expect_any_warns_when_unreachable():
    assert one(probe(False, {"dns_failure": 1}), "any")["status"] == "warn"


def test_skipped_task():
    record = one({"changed": False, "skipped": True, "skip_reason": "Conditional result was False"})
    assert (record["status"], record["error_class"]) == ("skipped", None)
    assert record["detail"] == "Conditional result was False"


@pytest.mark.parametrize("result, error_class", [
    ({"unreachable": True, "msg": "ssh: connect to host zvm01 port 22: Connection timed out"}, "host_unreachable"),
    ({"failed": True, "msg": "url: not an https URL", "option": "url"}, "probe_not_run"),
])
def test_task_that_never_probed(result, error_class):
    record = one(result)
    assert (record["status"], record["error_class"]) == ("fail", error_class)
    assert record["detail"] == result["msg"]


def test_counts_from_results_when_error_classes_missing():
    result = probe(False, {"tcp_timeout": 2})
    del result["error_classes"]
    assert one(result)["data"]["error_classes"] == {"tcp_timeout": 2}


def test_long_address_lists_are_cut():
    record = one(probe(False, {"tcp_timeout": 40}))
    assert len(record["data"]["addresses"]) == 32
    assert record["data"]["addresses_omitted"] == 8


def test_proxy_is_kept_without_credentials():
    assert one(probe(True, {"ok": 1}, proxy="proxy.example.net:3128"))["data"]["proxy"] == "proxy.example.net:3128"


@pytest.mark.parametrize("args, word", [
    (("not a dict", "zvm01", "c", "reachable"), "dictionary"),
    (({}, "", "c", "reachable"), "host"),
    (({}, "zvm01", None, "reachable"), "check"),
    (({}, "zvm01", "c", "sometimes"), "expect"),
])
def test_bad_arguments(args, word):
    with pytest.raises(probe_records.ConversionError) as caught:
        probe_records.records_from_probe(*args)
    assert word in str(caught.value)
