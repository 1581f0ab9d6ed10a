# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from html.parser import HTMLParser

from ansible_collections.zerto_msp.billing.plugins.module_utils.report import render_html

from report_samples import build


class Collector(HTMLParser):
    def __init__(self):
        HTMLParser.__init__(self)
        self.tags = []
        self.attrs = []
        self.cells = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend(attrs)
        if tag == "td":
            self.cells.append(dict(attrs).get("class"))


def parse(text):
    collector = Collector()
    collector.feed(text)
    return collector


def test_script_in_a_detail_is_escaped(report):
    text = render_html.render(report)
    assert "<script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; | pipe" in text
    assert "script" not in parse(text).tags


def test_self_contained(report):
    parsed = parse(render_html.render(report))
    assert "link" not in parsed.tags and "img" not in parsed.tags and "script" not in parsed.tags
    assert not [value for name, value in parsed.attrs if name in ("src", "href")]
    assert "style" in parsed.tags


def test_grid_colours_every_host_and_check(report):
    text = render_html.render(report)
    grid = text[text.index('<table class="grid">'):text.index("</table>")]
    classes = parse(grid).cells
    # zvm01 new/legacy, zvm02 new/legacy, zvm03 new and a legacy it never checked
    assert classes == ["fail", "ok", "ok", "warn", "skipped", "none"]


def test_error_class_and_its_meaning_are_shown(report):
    text = render_html.render(report)
    assert '<td class="ec">tcp_timeout</td><td>Filtered upstream.</td>' in text


def test_hostile_names_are_escaped():
    recs = [{"host": '"><b>zvm', "check": "<i>c", "status": "ok", "error_class": "x'y"}]
    parsed = parse(render_html.render(build(recs)))
    assert "b" not in parsed.tags and "i" not in parsed.tags
