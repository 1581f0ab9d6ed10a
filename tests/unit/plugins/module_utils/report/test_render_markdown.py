# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zerto_msp.billing.plugins.module_utils.report import render_markdown

from report_samples import build


def table_after(text, heading):
    lines = text.split("\n")
    start = lines.index(heading) + 2
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append(line)
    return rows


def cells(row):
    return [cell.strip() for cell in row.strip("|").split(" | ")]


def test_host_check_table(report):
    rows = table_after(render_markdown.render(report), "## Hosts and checks")
    assert cells(rows[0]) == ["host", "result", "new\\_endpoint", "legacy\\_endpoint"]
    assert set(rows[1].replace("|", "").split()) == {"---"}
    body = [cells(row) for row in rows[2:]]
    assert body == [
        ["zvm01", "fail", "**FAIL** tcp\\_timeout", "ok"],
        ["zvm02", "warn", "ok", "**WARN** tcp\\_timeout"],
        ["zvm03", "skipped", "skipped", "-"],
    ]


def test_every_row_has_as_many_cells_as_the_header(report):
    text = render_markdown.render(report)
    for heading in ("## Hosts and checks", "## What failed and why"):
        rows = table_after(text, heading)
        widths = set(row.replace("\\|", "").count("|") for row in rows)
        assert len(widths) == 1, heading


def test_problems_table_escapes_pipes_and_html(report):
    rows = table_after(render_markdown.render(report), "## What failed and why")
    assert len(rows) == 4
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; \\| pipe" in rows[2]


def test_counts_table(report):
    text = render_markdown.render(report)
    assert "| fail | 1 | 1 |" in text
    assert "| total | 3 | 5 |" in text


def test_all_good_says_so():
    text = render_markdown.render(build([{"host": "a", "check": "c", "status": "ok"}]))
    assert "Nothing failed and nothing needs attention." in text
