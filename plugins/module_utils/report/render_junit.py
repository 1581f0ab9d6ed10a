# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The JUnit XML file for CI systems: one testsuite per playbook, one testcase per host and check."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import xml.etree.ElementTree as ET

from ansible_collections.zerto_msp.billing.plugins.module_utils.report import records as rec

# Characters XML 1.0 cannot carry at all, not even escaped.
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(value):
    return _NOT_XML.sub("\ufffd", "" if value is None else str(value))


def _indent(element, level=0):
    pad = "\n" + "  " * level
    children = list(element)
    if children:
        if not (element.text or "").strip():
            element.text = pad + "  "
        for child in children:
            _indent(child, level + 1)
            child.tail = pad + "  "
        children[-1].tail = pad


def _explain(record):
    if record["error_class"]:
        return "%s: %s" % (record["error_class"], record["meaning"] or "")
    return record["meaning"] or record["status"]


def _testcase(suite, record):
    case = ET.SubElement(suite, "testcase", {"classname": clean(record["host"]), "name": clean(record["check"]),
                                             "time": "0"})
    if record["status"] == rec.FAIL:
        failure = ET.SubElement(case, "failure", {"message": clean(_explain(record)),
                                                  "type": clean(record["error_class"] or "fail")})
        failure.text = clean(record["detail"])
    elif record["status"] == rec.SKIPPED:
        ET.SubElement(case, "skipped", {"message": clean(record["detail"] or record["meaning"] or "skipped")})
    elif record["status"] == rec.WARN:
        ET.SubElement(case, "system-out").text = clean("warning: %s\n%s" % (_explain(record), record["detail"] or ""))
    elif record["detail"]:
        ET.SubElement(case, "system-out").text = clean(record["detail"])


def render(report):
    counts = report["counts"]
    totals = {"tests": str(counts["total"]), "failures": str(counts[rec.FAIL]), "errors": "0",
              "skipped": str(counts[rec.SKIPPED])}
    root = ET.Element("testsuites", dict(name="zerto_msp.billing", **totals))
    suite = ET.SubElement(root, "testsuite", dict(name=clean(report["playbook"]), timestamp=clean(report["generated_at"]),
                                                  time="0", **totals))
    properties = ET.SubElement(suite, "properties")
    for name in ("run_id", "generated_at", "schema_version", "verdict"):
        ET.SubElement(properties, "property", {"name": name, "value": clean(report[name])})
    for record in report["records"]:
        _testcase(suite, record)
    _indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
