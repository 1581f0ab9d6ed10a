from ansible_collections.zerto_msp.billing.plugins.module_utils.probe import error_classes as ec
from ansible_collections.zerto_msp.billing.plugins.module_utils.probe import runner


def _result(error_class):
    result = runner.empty_result("198.51.100.1")
    result.update(error_class=error_class, reachable=error_class == ec.OK)
    return result


def test_require_any_passes_with_one_reachable():
    verdict = runner.summarize([_result(ec.OK), _result(ec.TCP_TIMEOUT)], "h", 443, "any")
    assert verdict["passed"] and verdict["reachable"] and not verdict["all_reachable"]
    assert verdict["error_classes"] == {"ok": 1, "tcp_timeout": 1}
    assert "1 of 2 probed addresses of h reachable on port 443" in verdict["summary"]
    assert ec.meaning(ec.TCP_TIMEOUT) in verdict["summary"]


def test_require_all_fails_with_one_unreachable():
    assert not runner.summarize([_result(ec.OK), _result(ec.BLOCKED_LOCALLY)], "h", 443, "all")["passed"]


def test_require_none_never_fails():
    assert runner.summarize([_result(ec.DNS_FAILURE)], "h", 443, "none")["passed"]


def test_require_all_fails_with_nothing_probed():
    assert not runner.summarize([], "h", 443, "all")["passed"]


def test_every_error_class_has_a_meaning():
    assert set(ec.ALL) == set(ec.MEANINGS)
    assert all(ec.meaning(c).endswith(".") for c in ec.ALL)
