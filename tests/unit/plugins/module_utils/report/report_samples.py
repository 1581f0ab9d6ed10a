# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zerto_msp.billing.plugins.module_utils.report import records

GENERATED_AT = "2026-11-28T06:00:00Z"


def sample_records():
    return [
        {"host": "zvm02", "check": "new_endpoint", "status": "ok", "error_class": "ok",
         "meaning": "Reachable.", "detail": "2 of 2 reachable.", "data": {"error_classes": {"ok": 2}}},
        {"host": "zvm02", "check": "legacy_endpoint", "status": "warn", "error_class": "tcp_timeout",
         "meaning": "Filtered upstream.", "detail": "0 of 1 reachable."},
        {"host": "zvm01", "check": "new_endpoint", "status": "fail", "error_class": "tcp_timeout",
         "meaning": "Filtered upstream.", "detail": "<script>alert(1)</script> & | pipe"},
        {"host": "zvm01", "check": "legacy_endpoint", "status": "ok"},
        {"host": "zvm03", "check": "new_endpoint", "status": "skipped", "detail": "host unreachable"},
    ]


def build(recs=None, playbook="pre_upgrade", run_id="42"):
    normal, checks = records.normalize(sample_records() if recs is None else recs)
    return records.build_report(normal, checks, playbook, run_id, GENERATED_AT)
