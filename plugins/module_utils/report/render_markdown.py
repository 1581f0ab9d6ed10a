# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Markdown summary: counts, the host x check table, and what failed and why."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import html

from ansible_collections.zerto_msp.billing.plugins.module_utils.report import records as rec

_MARKUP = "\\`*_[]|#"


def text(value):
    """A value as inline Markdown text: one line, markup characters and raw HTML neutralised."""
    value = " ".join(("" if value is None else str(value)).split())
    value = "".join("\\" + char if char in _MARKUP else char for char in value)
    return html.escape(value, quote=False)


def _row(cells):
    return "| " + " | ".join(cells) + " |"


def _cell(record):
    if record is None:
        return "-"
    label = record["status"] if record["status"] in (rec.OK, rec.SKIPPED) else "**%s**" % record["status"].upper()
    if record["error_class"] and record["status"] != rec.OK:
        label += " " + text(record["error_class"])
    return label


def render(report):
    run = "Run %s, generated %s (report schema %d)." % (
        text(report["run_id"]), text(report["generated_at"]), report["schema_version"])
    lines = ["# Zerto billing report: %s" % text(report["playbook"]), "", run,
             "", text(report["summary"]), "",
             _row(["status", "hosts", "checks"]), _row(["---", "---:", "---:"])]
    for status in rec.STATUSES:
        lines.append(_row([status, str(report["host_counts"][status]), str(report["counts"][status])]))
    lines.append(_row(["total", str(report["host_counts"]["total"]), str(report["counts"]["total"])]))

    cells = dict(((r["host"], r["check"]), r) for r in report["records"])
    lines += ["", "## Hosts and checks", "",
              _row(["host", "result"] + [text(check) for check in report["checks"]]),
              _row(["---"] * (2 + len(report["checks"])))]
    for host in report["hosts"]:
        lines.append(_row([text(host["host"]), host["status"]] +
                          [_cell(cells.get((host["host"], check))) for check in report["checks"]]))

    problems = [r for r in report["records"] if r["status"] in (rec.FAIL, rec.WARN)]
    lines += ["", "## What failed and why", ""]
    if problems:
        lines += [_row(["host", "check", "status", "error class", "meaning", "detail"]), _row(["---"] * 6)]
        lines += [_row([text(r["host"]), text(r["check"]), r["status"], text(r["error_class"]), text(r["meaning"]),
                        text(r["detail"])]) for r in problems]
    else:
        lines.append("Nothing failed and nothing needs attention.")
    return "\n".join(lines) + "\n"
