# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check records (one per host and check): validation, and the report document built from them."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re
from datetime import datetime

SCHEMA_VERSION = 1
GENERATOR = "zerto_msp.billing.billing_report"

OK = "ok"
WARN = "warn"
FAIL = "fail"
SKIPPED = "skipped"
STATUSES = (OK, WARN, FAIL, SKIPPED)
# A host's status is the worst status among its records.
SEVERITY = {FAIL: 3, WARN: 2, OK: 1, SKIPPED: 0}

FIELDS = ("host", "check", "status", "error_class", "meaning", "detail", "data")
OPTIONAL_TEXT = ("error_class", "meaning", "detail")

NAMED_IN_SUMMARY = 10

_PLAYBOOK = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
_TIMESTAMP = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$")


class InputError(Exception):
    """A bad option value; ``option`` names the option for the error message."""

    def __init__(self, option, message):
        super(InputError, self).__init__("%s: %s" % (option, message))
        self.option = option


def check_playbook(value):
    if not isinstance(value, str) or not _PLAYBOOK.match(value):
        raise InputError("playbook", "%r must be a lower-case name of letters, digits and '_' "
                                     "starting with a letter (it becomes part of a variable name)" % (value,))
    return value


def check_file_name(option, value):
    if not isinstance(value, str) or not _FILE_NAME.match(value) or value in (".", ".."):
        raise InputError(option, "%r must be 1 to 128 letters, digits, '.', '_' or '-', starting with a "
                                 "letter or digit (it becomes part of the report file names)" % (value,))
    return value


def check_timestamp(value):
    match = _TIMESTAMP.match(value) if isinstance(value, str) else None
    if match:
        try:
            datetime.strptime(match.group(1), "%Y-%m-%dT%H:%M:%S")
            return value
        except ValueError:
            pass
    raise InputError("generated_at", "%r is not an ISO 8601 time with a time zone, "
                                     "for example 2026-11-28T06:00:00Z" % (value,))


def _check_record(index, record):
    where = "records[%d]" % index
    if not isinstance(record, dict):
        raise InputError("records", "%s must be a dictionary, got %s" % (where, type(record).__name__))
    unknown = sorted(str(key) for key in record if key not in FIELDS)
    if unknown:
        raise InputError("records", "%s has unknown field(s) %s; the fields are %s"
                         % (where, ", ".join(unknown), ", ".join(FIELDS)))
    for field in ("host", "check"):
        value = record.get(field)
        if not isinstance(value, str) or not value.strip():
            raise InputError("records", "%s.%s must be a non-empty string, got %r" % (where, field, value))
    status = record.get("status")
    if status not in STATUSES:
        raise InputError("records", "%s.status must be one of %s, got %r" % (where, ", ".join(STATUSES), status))
    for field in OPTIONAL_TEXT:
        value = record.get(field)
        if value is not None and not isinstance(value, str):
            raise InputError("records", "%s.%s must be a string or null, got %s"
                             % (where, field, type(value).__name__))
    data = record.get("data")
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError("records", "%s.data must be a dictionary or null, got %s" % (where, type(data).__name__))
    try:
        json.dumps(data, sort_keys=True)
    except (TypeError, ValueError) as error:
        raise InputError("records", "%s.data cannot be written as JSON: %s" % (where, error))
    normal = dict((field, record.get(field) or None) for field in OPTIONAL_TEXT)
    normal.update(host=record["host"], check=record["check"], status=status, data=data)
    return normal


def normalize(records):
    """Validated records, hosts in sorted order and, per host, checks in order of first appearance."""
    if not isinstance(records, list):
        raise InputError("records", "must be a list of dictionaries, got %s" % type(records).__name__)
    checked = [_check_record(index, record) for index, record in enumerate(records)]
    seen = {}
    checks = []
    for index, record in enumerate(checked):
        key = (record["host"], record["check"])
        if key in seen:
            raise InputError("records", "records[%d] repeats host %r and check %r of records[%d]; "
                                        "give one record per host and check" % (index, key[0], key[1], seen[key]))
        seen[key] = index
        if record["check"] not in checks:
            checks.append(record["check"])
    order = dict((check, position) for position, check in enumerate(checks))
    return sorted(checked, key=lambda record: (record["host"], order[record["check"]])), checks


def worst(statuses):
    return max(statuses, key=SEVERITY.get) if statuses else SKIPPED


def empty_counts():
    counts = dict((status, 0) for status in STATUSES)
    counts["total"] = 0
    return counts


def _hosts(records):
    by_host = {}
    for record in records:
        by_host.setdefault(record["host"], []).append(record)
    hosts = []
    for host in sorted(by_host):
        counts = empty_counts()
        for record in by_host[host]:
            counts[record["status"]] += 1
            counts["total"] += 1
        problems = [record for record in by_host[host] if record["status"] in (FAIL, WARN)]
        hosts.append({
            "host": host,
            "status": worst([record["status"] for record in by_host[host]]),
            "counts": counts,
            "problems": ["%s: %s" % (record["check"], record["error_class"] or record["status"])
                         for record in problems],
        })
    return hosts


def _name_hosts(hosts):
    named = ["%s (%s)" % (host["host"], ", ".join(host["problems"])) for host in hosts[:NAMED_IN_SUMMARY]]
    if len(hosts) > NAMED_IN_SUMMARY:
        named.append("and %d more" % (len(hosts) - NAMED_IN_SUMMARY))
    return "; ".join(named)


def summarize(playbook, run_id, generated_at, hosts, counts):
    host_counts = empty_counts()
    for host in hosts:
        host_counts[host["status"]] += 1
        host_counts["total"] += 1
    sentences = ["%s run %s at %s: %d host%s, %d ok, %d with warnings, %d failed, %d skipped" % (
        playbook, run_id, generated_at, host_counts["total"], "" if host_counts["total"] == 1 else "s",
        host_counts[OK], host_counts[WARN], host_counts[FAIL], host_counts[SKIPPED])]
    failed = [host for host in hosts if host["status"] == FAIL]
    warned = [host for host in hosts if host["status"] == WARN]
    if failed:
        sentences.append("Failed: " + _name_hosts(failed))
    if warned:
        sentences.append("Warnings: " + _name_hosts(warned))
    sentences.append("%d check%s: %d ok, %d warn, %d fail, %d skipped" % (
        counts["total"], "" if counts["total"] == 1 else "s", counts[OK], counts[WARN], counts[FAIL], counts[SKIPPED]))
    return ". ".join(sentences) + ".", host_counts


def build_report(records, checks, playbook, run_id, generated_at):
    """The JSON report document (docs/report_schema.md) from the output of normalize()."""
    counts = empty_counts()
    error_classes = {}
    for record in records:
        counts[record["status"]] += 1
        counts["total"] += 1
        if record["error_class"] and record["status"] != OK:
            error_classes.setdefault(record["error_class"], record["meaning"])
    hosts = _hosts(records)
    summary, host_counts = summarize(playbook, run_id, generated_at, hosts, counts)
    return {
        "schema_version": SCHEMA_VERSION,
        "generator": GENERATOR,
        "playbook": playbook,
        "run_id": run_id,
        "generated_at": generated_at,
        "verdict": worst([record["status"] for record in records]),
        "summary": summary,
        "counts": counts,
        "host_counts": host_counts,
        "checks": checks,
        "hosts": hosts,
        "failed_hosts": [host["host"] for host in hosts if host["status"] == FAIL],
        "warn_hosts": [host["host"] for host in hosts if host["status"] == WARN],
        "error_classes": error_classes,
        "records": records,
    }


def stats(report):
    """What the playbooks publish with ansible.builtin.set_stats: one key per playbook, so the
    artifacts of the jobs of an AWX workflow do not overwrite each other."""
    keys = ("schema_version", "playbook", "run_id", "generated_at", "verdict", "summary", "counts",
            "host_counts", "failed_hosts", "warn_hosts")
    return {"zerto_billing_report_" + report["playbook"]: dict((key, report[key]) for key in keys)}
