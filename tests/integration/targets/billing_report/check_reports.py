# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read back the reports: python3 check_reports.py records|fleet REPORT_DIR (runme.yml, fleet.yml)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import sys
import xml.etree.ElementTree as ET

STATUSES = ("ok", "warn", "fail", "skipped")
# docs/report_schema.md, schema_version 1
TOP = {"schema_version": int, "generator": str, "playbook": str, "run_id": str, "generated_at": str, "verdict": str,
       "summary": str, "counts": dict, "host_counts": dict, "checks": list, "hosts": list, "failed_hosts": list,
       "warn_hosts": list, "error_classes": dict, "records": list}
RECORD = {"host": str, "check": str, "status": str, "error_class": (str, type(None)), "meaning": (str, type(None)),
          "detail": (str, type(None)), "data": dict}
HOST = {"host": str, "status": str, "counts": dict, "problems": list}


def expect(condition, message):
    if not condition:
        raise SystemExit("check_reports: " + message)


def check_fields(what, value, fields):
    expect(isinstance(value, dict), "%s is not an object" % what)
    expect(set(value) == set(fields), "%s has fields %s, the schema says %s" % (what, sorted(value), sorted(fields)))
    for name, kind in fields.items():
        expect(isinstance(value[name], kind), "%s.%s is %r" % (what, name, value[name]))


def check_counts(what, counts):
    expect(set(counts) == set(STATUSES) | {"total"}, "%s has keys %s" % (what, sorted(counts)))
    expect(sum(counts[s] for s in STATUSES) == counts["total"], "%s does not add up" % what)


def check_json(path):
    with open(path) as handle:
        report = json.load(handle)
    check_fields("report", report, TOP)
    expect(report["schema_version"] == 1, "schema_version is %r" % report["schema_version"])
    check_counts("counts", report["counts"])
    check_counts("host_counts", report["host_counts"])
    for index, record in enumerate(report["records"]):
        check_fields("records[%d]" % index, record, RECORD)
        expect(record["status"] in STATUSES, "records[%d].status is %r" % (index, record["status"]))
    for index, host in enumerate(report["hosts"]):
        check_fields("hosts[%d]" % index, host, HOST)
    for status in STATUSES:
        expect(report["counts"][status] == sum(1 for r in report["records"] if r["status"] == status),
               "counts.%s does not match the records" % status)
    return report


def check_junit(path, report):
    root = ET.parse(path).getroot()
    suites = root.findall("testsuite")
    expect(len(suites) == 1 and suites[0].get("name") == "pre_upgrade", "one testsuite named pre_upgrade")
    cases = suites[0].findall("testcase")
    expect(len(cases) == report["counts"]["total"] == int(suites[0].get("tests")), "testcase count")
    failures = suites[0].findall("testcase/failure")
    expect(len(failures) == report["counts"]["fail"] == int(suites[0].get("failures")), "failure count")
    expect(len(suites[0].findall("testcase/skipped")) == report["counts"]["skipped"] == int(suites[0].get("skipped")),
           "skipped count")
    expect(failures[0].get("type") == "tcp_timeout", "the failure's type is %r" % failures[0].get("type"))


def check_html(path):
    with open(path) as handle:
        text = handle.read()
    expect("<script" not in text.lower(), "the HTML contains a script element")
    expect("&lt;script&gt;alert(1)&lt;/script&gt;" in text, "the detail with a script tag is not escaped as text")
    expect(" src=" not in text and " href=" not in text, "the HTML refers to an external asset")
    expect('<td class="fail"' in text and '<td class="warn"' in text and '<td class="ok"' in text, "grid colours")


def check_markdown(path):
    with open(path) as handle:
        lines = handle.read().split("\n")
    expect("| host | result | new\\_endpoint | legacy\\_endpoint | zvm\\_version |" in lines, "grid header")
    expect("| zvm02 | fail | **FAIL** tcp\\_timeout | **WARN** tcp\\_refused | - |" in lines, "zvm02 row")


def check_records_run(report_dir):
    names = ["pre_upgrade-it42" + suffix for suffix in (".json", ".md", ".html", ".junit.xml")]
    expect(sorted(os.listdir(report_dir)) == sorted(names), "report_dir holds %s" % sorted(os.listdir(report_dir)))
    paths = [os.path.join(report_dir, name) for name in names]
    report = check_json(paths[0])
    expect(report["counts"] == {"ok": 3, "warn": 1, "fail": 1, "skipped": 1, "total": 6}, "counts %r" % report["counts"])
    expect(report["failed_hosts"] == ["zvm02"], "failed_hosts %r" % report["failed_hosts"])
    check_markdown(paths[1])
    check_html(paths[2])
    check_junit(paths[3], report)


def check_fleet_run(report_dir):
    report = check_json(os.path.join(report_dir, "fleet-it-fleet.json"))
    found = dict((r["host"], (r["check"], r["status"], r["error_class"])) for r in report["records"])
    expect(sorted(found) == ["zvm-a", "zvm-b", "zvm-c", "zvm-d"], "fleet hosts %r" % sorted(found))
    for host in ("zvm-a", "zvm-b"):
        check, status, error_class = found[host]
        expect((check, status) == ("legacy_endpoint", "ok") and error_class in ("tcp_refused", "blocked_locally"),
               "%s: %r" % (host, found[host]))
    expect(found["zvm-c"] == ("legacy_endpoint", "fail", "probe_not_run"), "zvm-c: %r" % (found["zvm-c"],))
    expect(found["zvm-d"] == ("run", "fail", "no_result"), "zvm-d: %r" % (found["zvm-d"],))
    expect(report["failed_hosts"] == ["zvm-c", "zvm-d"], "failed_hosts %r" % report["failed_hosts"])
    root = ET.parse(os.path.join(report_dir, "fleet-it-fleet.junit.xml")).getroot()
    expect(root.get("failures") == "2" and root.get("tests") == "4", "fleet JUnit totals %r" % root.attrib)


def main():
    mode, report_dir = sys.argv[1:3]
    {"records": check_records_run, "fleet": check_fleet_run}[mode](report_dir)
    print("check_reports: %s: %s run, reports as expected" % (report_dir, mode))


if __name__ == "__main__":
    main()
