# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import xml.etree.ElementTree as ET

from ansible_collections.zerto_msp.billing.plugins.module_utils.report import render_junit

from report_samples import build


def test_counts_match_the_records(report):
    root = ET.fromstring(render_junit.render(report).encode("utf-8"))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert len(suites) == 1
    suite = suites[0]
    assert suite.get("name") == "pre_upgrade"
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped"), suite.get("errors")) == ("5", "1", "1", "0")
    assert root.get("tests") == "5"
    cases = suite.findall("testcase")
    assert len(cases) == 5
    assert len(suite.findall("testcase/failure")) == 1
    assert len(suite.findall("testcase/skipped")) == 1


def test_failure_names_the_error_class(report):
    suite = ET.fromstring(render_junit.render(report).encode("utf-8")).find("testsuite")
    case = [c for c in suite.findall("testcase") if c.find("failure") is not None][0]
    assert (case.get("classname"), case.get("name")) == ("zvm01", "new_endpoint")
    failure = case.find("failure")
    assert failure.get("type") == "tcp_timeout"
    assert failure.get("message") == "tcp_timeout: Filtered upstream."
    assert failure.text == "<script>alert(1)</script> & | pipe"


def test_run_properties(report):
    suite = ET.fromstring(render_junit.render(report).encode("utf-8")).find("testsuite")
    properties = dict((p.get("name"), p.get("value")) for p in suite.findall("properties/property"))
    assert properties["run_id"] == "42"
    assert properties["verdict"] == "fail"


def test_characters_xml_cannot_carry_are_replaced():
    recs = [{"host": "zvm01", "check": "new", "status": "fail", "detail": "bell \x07 nul \x00 end"}]
    text = render_junit.render(build(recs))
    failure = ET.fromstring(text.encode("utf-8")).find("testsuite/testcase/failure")
    assert failure.text == "bell \ufffd nul \ufffd end"
