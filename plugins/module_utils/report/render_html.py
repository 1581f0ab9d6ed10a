# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The HTML page: one self-contained file (inline CSS, no script, no external asset) with the fleet
at a glance, the host x check grid in green/amber/red, and each error class with its meaning."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import html

from ansible_collections.zerto_msp.billing.plugins.module_utils.report import records as rec

LABELS = {rec.OK: "ok", rec.WARN: "warning", rec.FAIL: "failed", rec.SKIPPED: "skipped"}

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:1.5rem;color:#1d1d1f;background:#fff}
h1{font-size:1.4rem;margin:0 0 .3rem}h2{font-size:1.1rem;margin:1.8rem 0 .6rem}
.meta{color:#555;margin:0 0 1rem}.summary{padding:.8rem 1rem;border-left:.4rem solid #888;background:#f4f4f4}
.glance{display:flex;flex-wrap:wrap;gap:.8rem}.tile{min-width:8rem;padding:.7rem 1rem;border-radius:.4rem}
.tile .n{display:block;font-size:1.8rem;font-weight:700}
table{border-collapse:collapse;font-size:.9rem}th,td{border:1px solid #ccc;padding:.3rem .55rem;text-align:left;
vertical-align:top}thead th{background:#eee}.grid td{min-width:7rem}.ec{display:block;font-family:monospace}
.ok{background:#d8f0dc;border-color:#2e7d32}.warn{background:#fff0c2;border-color:#b7791f}
.fail{background:#f9d0cf;border-color:#c62828}.skipped{background:#ececec;border-color:#888}
.none{background:#fff;color:#999}.detail{max-width:48rem;white-space:pre-wrap}
"""


def esc(value):
    return html.escape("" if value is None else str(value), quote=True)


def _plural(count, noun):
    return "%d %s%s" % (count, noun, "" if count == 1 else "s")


def _tile(status, count, what):
    return '<div class="tile %s"><span class="n">%d</span>%s %s</div>' % (status, count, what, LABELS[status])


def _grid_cell(record):
    if record is None:
        return '<td class="none">not checked</td>'
    tip = " - ".join(part for part in (record["meaning"], record["detail"]) if part)
    error = record["error_class"] if record["error_class"] and record["status"] != rec.OK else ""
    return '<td class="%s" title="%s">%s%s</td>' % (
        record["status"], esc(tip), esc(LABELS[record["status"]]),
        '<span class="ec">%s</span>' % esc(error) if error else "")


def _grid(report):
    cells = dict(((r["host"], r["check"]), r) for r in report["records"])
    rows = ['<table class="grid"><thead><tr><th>host</th>%s</tr></thead><tbody>'
            % "".join("<th>%s</th>" % esc(check) for check in report["checks"])]
    for host in report["hosts"]:
        rows.append('<tr><th scope="row" class="%s">%s</th>%s</tr>' % (
            host["status"], esc(host["host"]),
            "".join(_grid_cell(cells.get((host["host"], check))) for check in report["checks"])))
    rows.append("</tbody></table>")
    return "\n".join(rows)


def _problems(report):
    problems = [r for r in report["records"] if r["status"] in (rec.FAIL, rec.WARN)]
    if not problems:
        return "<p>Nothing failed and nothing needs attention.</p>"
    rows = ["<table><thead><tr><th>host</th><th>check</th><th>status</th><th>error class</th><th>meaning</th>"
            "<th>detail</th></tr></thead><tbody>"]
    for r in problems:
        cells = (esc(r["host"]), esc(r["check"]), esc(LABELS[r["status"]]), esc(r["error_class"]), esc(r["meaning"]),
                 esc(r["detail"]))
        rows.append('<tr class="%s"><td>%s</td><td>%s</td><td>%s</td><td class="ec">%s</td><td>%s</td>'
                    '<td class="detail">%s</td></tr>' % ((r["status"],) + cells))
    rows.append("</tbody></table>")
    return "\n".join(rows)


def _error_classes(report):
    if not report["error_classes"]:
        return ""
    rows = ["<h2>Error classes in this run</h2>", "<table><thead><tr><th>error class</th><th>meaning</th></tr>"
                                                  "</thead><tbody>"]
    rows += ['<tr><td class="ec">%s</td><td>%s</td></tr>' % (esc(name), esc(meaning))
             for name, meaning in sorted(report["error_classes"].items())]
    rows.append("</tbody></table>")
    return "\n".join(rows)


def render(report):
    hosts = report["host_counts"]
    title = "Zerto billing report: %s, run %s" % (report["playbook"], report["run_id"])
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        # No script and no external asset can load even if something slipped through escaping.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>%s</title>" % esc(title),
        "<style>%s</style></head><body>" % STYLE,
        "<h1>%s</h1>" % esc(title),
        '<p class="meta">Generated %s by %s, report schema %d.</p>' % (
            esc(report["generated_at"]), esc(report["generator"]), report["schema_version"]),
        '<p class="summary %s">%s</p>' % (report["verdict"], esc(report["summary"])),
        "<h2>Fleet at a glance</h2>",
        '<div class="glance">%s</div>' % "".join(_tile(status, hosts[status], "hosts") for status in rec.STATUSES),
        "<p>%s, %s.</p>" % (_plural(hosts["total"], "host"), _plural(report["counts"]["total"], "check result")),
        "<h2>Hosts and checks</h2>",
        _grid(report),
        "<h2>What failed and why</h2>",
        _problems(report),
        _error_classes(report),
        "</body></html>",
    ]
    return "\n".join(part for part in parts if part) + "\n"
