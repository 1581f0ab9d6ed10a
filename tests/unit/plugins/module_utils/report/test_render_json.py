# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.zerto_msp.billing.plugins.module_utils.report import render_json

from report_samples import build


def test_parses_back_to_the_report(report):
    assert json.loads(render_json.render(report)) == report


def test_schema_fields(report):
    parsed = json.loads(render_json.render(report))
    assert parsed["schema_version"] == 1
    assert set(parsed) == {"schema_version", "generator", "playbook", "run_id", "generated_at", "verdict", "summary",
                           "counts", "host_counts", "checks", "hosts", "failed_hosts", "warn_hosts", "error_classes",
                           "records"}
    for record in parsed["records"]:
        assert set(record) == {"host", "check", "status", "error_class", "meaning", "detail", "data"}


def test_same_input_same_bytes():
    assert render_json.render(build()) == render_json.render(build())
    assert render_json.render(build()).endswith("}\n")
