# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One registered egress_probe result as billing_report records (the probe_records filter)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zerto_msp.billing.plugins.module_utils.probe import error_classes as ec
from ansible_collections.zerto_msp.billing.plugins.module_utils.report import records as rec

EXPECTATIONS = ("reachable", "unreachable", "any")
ADDRESSES_KEPT = 32

STILL_REACHABLE = "still_reachable"
HOST_UNREACHABLE = "host_unreachable"
PROBE_NOT_RUN = "probe_not_run"
MEANINGS = {
    STILL_REACHABLE: "The endpoint is still reachable from this host although it should no longer be.",
    HOST_UNREACHABLE: "Ansible could not connect to the host, so nothing was probed.",
    PROBE_NOT_RUN: "The probe did not run to the end (an invalid option or a module error): see the detail.",
}


class ConversionError(Exception):
    pass


def meaning(error_class):
    return MEANINGS.get(error_class) or ec.meaning(error_class)


def _check_arguments(result, host, check, expect):
    if not isinstance(result, dict):
        raise ConversionError("the input must be a registered egress_probe result (a dictionary), got %s"
                              % type(result).__name__)
    for name, value in (("host", host), ("check", check)):
        if not isinstance(value, str) or not value.strip():
            raise ConversionError("%s must be a non-empty string, got %r" % (name, value))
    if expect not in EXPECTATIONS:
        raise ConversionError("expect must be one of %s, got %r" % (", ".join(EXPECTATIONS), expect))


def _class_counts(result):
    counts = result.get("error_classes")
    if isinstance(counts, dict):
        return dict(counts)
    counts = {}
    for entry in result.get("results") or []:
        name = entry.get("error_class") or PROBE_NOT_RUN
        counts[name] = counts.get(name, 0) + 1
    return counts


def _main_failure(counts):
    failures = sorted((name for name in counts if name != ec.OK), key=lambda name: (-counts[name], name))
    return failures[0] if failures else None


def _data(result, counts):
    entries = [dict(address=entry.get("address"), error_class=entry.get("error_class"))
               for entry in result.get("results") or [] if isinstance(entry, dict)]
    data = dict(reachable=bool(result.get("reachable")), all_reachable=bool(result.get("all_reachable")),
                error_classes=counts, endpoint=result.get("host"), port=result.get("port"),
                addresses=entries[:ADDRESSES_KEPT])
    if len(entries) > ADDRESSES_KEPT:
        data["addresses_omitted"] = len(entries) - ADDRESSES_KEPT
    if result.get("proxy"):
        data["proxy"] = result["proxy"]
    return data


def _verdict(result, counts, expect):
    """(status, error_class) of a probe that ran."""
    failure = _main_failure(counts)
    if expect == "unreachable":
        if result.get("reachable"):
            return rec.FAIL, STILL_REACHABLE
        return rec.OK, failure
    if result.get("reachable"):
        if result.get("all_reachable") or failure is None:
            return rec.OK, ec.OK
        return rec.WARN, failure
    return (rec.FAIL if expect == "reachable" else rec.WARN), failure or PROBE_NOT_RUN


def records_from_probe(result, host, check, expect="reachable"):
    _check_arguments(result, host, check, expect)
    record = dict(host=host, check=check)
    if result.get("skipped"):
        record.update(status=rec.SKIPPED, error_class=None, meaning=None,
                      detail=str(result.get("skip_reason") or "The probe was skipped."), data={})
    elif "reachable" not in result:
        error_class = HOST_UNREACHABLE if result.get("unreachable") else PROBE_NOT_RUN
        record.update(status=rec.WARN if expect == "any" else rec.FAIL, error_class=error_class,
                      meaning=meaning(error_class), detail=str(result.get("msg") or "No probe result."), data={})
    else:
        counts = _class_counts(result)
        status, error_class = _verdict(result, counts, expect)
        record.update(status=status, error_class=error_class, meaning=meaning(error_class) if error_class else None,
                      detail=str(result.get("summary") or result.get("msg") or ""), data=_data(result, counts))
    return [record]
