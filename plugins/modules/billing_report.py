#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: billing_report
short_description: Write the JSON, Markdown, HTML and JUnit reports of a billing egress run
version_added: 0.1.0
description:
  - Takes one record per host and check (what the playbooks collected) and writes four files under
    O(report_dir) on the controller, each replaced atomically (temporary file, then rename).
  - C(<file_prefix>.json), the report document whose schema is documented in C(docs/report_schema.md)
    (with a C(schema_version)).
  - C(<file_prefix>.md), a Markdown summary.
  - C(<file_prefix>.html), one self-contained page (inline CSS, no script, no external asset) with the
    fleet at a glance, the host x check grid in green, amber and red, and each error class with its meaning.
  - C(<file_prefix>.junit.xml), JUnit XML for CI systems, one testsuite per playbook and one testcase per
    host and check; C(fail) records are failures, C(skipped) records are skipped.
  - Also returns a one-paragraph RV(summary) and RV(stats) to publish with M(ansible.builtin.set_stats)
    for AWX workflows.
  - The same records with the same O(generated_at) give byte-identical files, and the module then
    reports no change.
  - "Uses only the Python standard library. Run it on the controller (C(delegate_to: localhost),
    C(run_once: true)) or in a play on C(localhost)."
author:
  - Zerto MSP billing maintainers (@zerto-msp)
extends_documentation_fragment:
  - zerto_msp.billing.attributes
  - zerto_msp.billing.attributes.PLATFORM_CONTROLLER
attributes:
  check_mode:
    support: full
    details: Check mode computes the reports and returns what would change, and writes nothing.
  diff_mode:
    support: partial
    details: The diff shows the JSON report only; the other files are renderings of it.
options:
  records:
    description:
      - One dictionary per host and check.
      - C(host) and C(check) are required non-empty strings; a host and check pair may appear only once.
      - C(status) is required, one of V(ok), V(warn), V(fail) or V(skipped).
      - C(error_class), C(meaning) and C(detail) are optional strings. C(data) is an optional dictionary
        kept as it is in the JSON report.
      - The filter P(zerto_msp.billing.probe_records#filter) turns an
        M(zerto_msp.billing.egress_probe) result into records.
      - An empty list writes reports that say nothing was checked.
    type: list
    elements: dict
    required: true
  playbook:
    description:
      - Name of the playbook the records come from, for example V(pre_upgrade).
      - Lower-case letters, digits and C(_), starting with a letter; it is part of the RV(stats) key.
    type: str
    required: true
  run_id:
    description:
      - Identifier of the run, for example the AWX job id (C(awx_job_id)) or a time stamp.
      - Letters, digits, C(.), C(_) and C(-); it is part of the default O(file_prefix).
    type: str
    required: true
  report_dir:
    description:
      - Directory on the controller for the report files. Created (mode C(0755)) when missing, except in
        check mode.
    type: path
    required: true
  file_prefix:
    description:
      - Name of the report files without their extension.
      - Defaults to C(<playbook>-<run_id>).
    type: str
  generated_at:
    description:
      - Time of the run, ISO 8601 with a time zone, for example V(2026-11-28T06:00:00Z).
      - Defaults to the current UTC time. Give the same value to rewrite identical reports (no change).
    type: str
seealso:
  - module: zerto_msp.billing.egress_probe
  - plugin: zerto_msp.billing.probe_records
    plugin_type: filter
"""

EXAMPLES = r"""
- name: Write the reports of this run on the controller
  zerto_msp.billing.billing_report:
    records: "{{ zerto_billing_records }}"
    playbook: pre_upgrade
    run_id: "{{ awx_job_id | default(lookup('ansible.builtin.pipe', 'date -u +%Y%m%dT%H%M%SZ')) }}"
    report_dir: "{{ zerto_billing_report_dir }}"
  delegate_to: localhost
  run_once: true
  register: zerto_billing_report

- name: Publish the summary for AWX workflows
  ansible.builtin.set_stats:
    data: "{{ zerto_billing_report.stats }}"
  run_once: true

- name: Fail the job when a host failed, after the reports are written
  ansible.builtin.fail:
    msg: "{{ zerto_billing_report.summary }}"
  when: zerto_billing_report.counts.fail > 0
  run_once: true
"""

RETURN = r"""
paths:
  description: The report files, written or (in check mode) that would be written.
  returned: always
  type: dict
  contains:
    json:
      description: The JSON report.
      type: str
      sample: /var/lib/zerto-billing/reports/pre_upgrade-42.json
    markdown:
      description: The Markdown summary.
      type: str
      sample: /var/lib/zerto-billing/reports/pre_upgrade-42.md
    html:
      description: The HTML page.
      type: str
      sample: /var/lib/zerto-billing/reports/pre_upgrade-42.html
    junit:
      description: The JUnit XML file.
      type: str
      sample: /var/lib/zerto-billing/reports/pre_upgrade-42.junit.xml
changed_files:
  description: Which of RV(paths) differ from what was on disk (and were, outside check mode, replaced).
  returned: always
  type: list
  elements: str
  sample: [json, markdown, html, junit]
counts:
  description: Number of records per status, and their total.
  returned: always
  type: dict
  sample: {"ok": 10, "warn": 1, "fail": 1, "skipped": 0, "total": 12}
host_counts:
  description: Number of hosts per status (a host has the worst status of its records), and their total.
  returned: always
  type: dict
  sample: {"ok": 4, "warn": 1, "fail": 1, "skipped": 0, "total": 6}
verdict:
  description: The worst status of all records; V(skipped) when there are none.
  returned: always
  type: str
  sample: fail
failed_hosts:
  description: Hosts with at least one C(fail) record.
  returned: always
  type: list
  elements: str
  sample: [zvm03]
summary:
  description: One paragraph for humans naming the failed hosts and what failed.
  returned: always
  type: str
  sample: "pre_upgrade run 42 at 2026-11-28T06:00:00Z: 6 hosts, 4 ok, 1 with warnings, 1 failed, 0 skipped.
    Failed: zvm03 (new_endpoint: tcp_timeout). Warnings: zvm05 (legacy_endpoint: tcp_refused). 12 checks: ..."
stats:
  description:
    - Data for M(ansible.builtin.set_stats), one key C(zerto_billing_report_<playbook>) holding
      C(schema_version), C(playbook), C(run_id), C(generated_at), C(verdict), C(summary), C(counts),
      C(host_counts), C(failed_hosts) and C(warn_hosts).
  returned: always
  type: dict
report:
  description: The JSON report document, as documented in C(docs/report_schema.md).
  returned: always
  type: dict
"""

import os
from datetime import datetime, timezone

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.zerto_msp.billing.plugins.module_utils.report import (
    files, records, render_html, render_json, render_junit, render_markdown)

RENDERERS = (
    ("json", ".json", render_json.render),
    ("markdown", ".md", render_markdown.render),
    ("html", ".html", render_html.render),
    ("junit", ".junit.xml", render_junit.render),
)


def _now():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _report(params):
    playbook = records.check_playbook(params["playbook"])
    run_id = records.check_file_name("run_id", params["run_id"])
    prefix = records.check_file_name("file_prefix", params["file_prefix"] or "%s-%s" % (playbook, run_id))
    generated_at = records.check_timestamp(params["generated_at"]) if params["generated_at"] is not None else _now()
    if os.path.exists(params["report_dir"]) and not os.path.isdir(params["report_dir"]):
        raise records.InputError("report_dir", "%s exists and is not a directory" % params["report_dir"])
    normal, checks = records.normalize(params["records"])
    return records.build_report(normal, checks, playbook, run_id, generated_at), prefix


def main():
    module = AnsibleModule(
        argument_spec=dict(
            records=dict(type="list", elements="dict", required=True),
            playbook=dict(type="str", required=True),
            run_id=dict(type="str", required=True),
            report_dir=dict(type="path", required=True),
            file_prefix=dict(type="str"),
            generated_at=dict(type="str"),
        ),
        supports_check_mode=True,
    )
    try:
        report, prefix = _report(module.params)
    except records.InputError as error:
        module.fail_json(msg=str(error), option=error.option)

    report_dir = module.params["report_dir"]
    paths, texts, before, changed_files = {}, {}, {}, []
    for kind, suffix, render in RENDERERS:
        paths[kind] = os.path.join(report_dir, prefix + suffix)
        texts[kind] = render(report)
        before[kind] = files.read_text(paths[kind])
        if before[kind] != texts[kind]:
            changed_files.append(kind)

    if changed_files and not module.check_mode:
        try:
            if not os.path.isdir(report_dir):
                os.makedirs(report_dir, 0o755)
            for kind in changed_files:
                files.write_atomic(paths[kind], texts[kind])
        except (IOError, OSError) as error:
            module.fail_json(msg="report_dir: cannot write the reports under %s: %s" % (report_dir, error),
                             option="report_dir", paths=paths)

    result = dict(
        changed=bool(changed_files), paths=paths, changed_files=changed_files, counts=report["counts"],
        host_counts=report["host_counts"], verdict=report["verdict"], failed_hosts=report["failed_hosts"],
        summary=report["summary"], stats=records.stats(report), report=report,
    )
    if module._diff and "json" in changed_files:
        result["diff"] = dict(before=before["json"] or "", after=texts["json"],
                              before_header=paths["json"], after_header=paths["json"])
    module.exit_json(**result)


if __name__ == "__main__":
    main()
