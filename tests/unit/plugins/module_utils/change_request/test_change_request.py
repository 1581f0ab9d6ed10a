# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import csv
import io

import pytest

from ansible_collections.zerto_msp.billing.plugins.module_utils.change_request import render_csv, render_markdown
from ansible_collections.zerto_msp.billing.plugins.module_utils.change_request.rules import (
    ChangeRequestError,
    build_rules,
    slug,
)

ZVMS = ["198.51.100.11", "198.51.100.10", "198.51.100.10"]


def rules(**overrides):
    args = dict(site="DC 1", zvm_addresses=ZVMS, new_url="https://billing.example.com/api/v1",
                new_cidrs=["198.51.100.32/28"], legacy_url="autologs.zerto.com", legacy_cidrs=["198.51.100.90"],
                port=443)
    args.update(overrides)
    return build_rules(**args)


def test_rows_per_phase_destination_and_source():
    rows = rules()
    summary = [(r["phase"], r["change"], r["destination_type"], r["destination"], r["source"]) for r in rows]
    assert summary == [
        ("before_upgrade", "add", "fqdn", "billing.example.com", "198.51.100.10"),
        ("before_upgrade", "add", "fqdn", "billing.example.com", "198.51.100.11"),
        ("before_upgrade", "add", "cidr", "198.51.100.32/28", "198.51.100.10"),
        ("before_upgrade", "add", "cidr", "198.51.100.32/28", "198.51.100.11"),
        ("after_upgrade", "remove", "fqdn", "autologs.zerto.com", "198.51.100.10"),
        ("after_upgrade", "remove", "fqdn", "autologs.zerto.com", "198.51.100.11"),
        ("after_upgrade", "remove", "cidr", "198.51.100.90/32", "198.51.100.10"),
        ("after_upgrade", "remove", "cidr", "198.51.100.90/32", "198.51.100.11"),
    ]
    assert set((r["protocol"], r["port"], r["action"]) for r in rows) == set([("tcp", 443, "allow")])
    assert rows[0]["rule_name"] == "DC-1-zerto-billing-new" and rows[-1]["rule_name"] == "DC-1-zerto-billing-legacy"


def test_csv_has_a_header_and_one_line_per_rule():
    rows = rules()
    text = render_csv.render(rows)
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert text.splitlines()[0] == "site,phase,change,rule_name,source,destination_type,destination,protocol,port,action"
    assert len(parsed) == len(rows) and parsed[0]["destination"] == "billing.example.com" and parsed[0]["port"] == "443"


def test_markdown_has_both_phases_and_is_stable():
    rows = rules()
    text = render_markdown.render("DC 1", ["198.51.100.10", "198.51.100.11"], 443, rows)
    assert "## 1. Add before the Zerto upgrade" in text and "## 2. Remove after the Zerto upgrade" in text
    assert "| DC-1-zerto-billing-new | 198.51.100.10 | FQDN | billing.example.com | TCP | 443 | allow |" in text
    assert text == render_markdown.render("DC 1", ["198.51.100.10", "198.51.100.11"], 443, rows)


def test_markdown_without_legacy_says_nothing_to_remove_and_escapes_markup():
    rows = rules(site="a|b*", legacy_url=None, legacy_cidrs=[])
    text = render_markdown.render("a|b*", ["198.51.100.10"], 443, rows)
    assert "Nothing: no legacy URL or CIDRs were given." in text
    assert "# Zerto billing egress change request: a\\|b\\*" in text


@pytest.mark.parametrize("overrides, option", [
    (dict(zvm_addresses=[]), "zvm_addresses"),
    (dict(zvm_addresses=["zvm01"]), "zvm_addresses"),
    (dict(new_url=None, new_cidrs=[]), "new_url"),
    (dict(new_url="https://bad_host!/x"), "new_url"),
    (dict(new_url="https://.example.com"), "new_url"),
    (dict(new_cidrs=["198.51.100.33/28"]), "new_cidrs"),
    (dict(legacy_cidrs=["300.1.1.1"]), "legacy_cidrs"),
    (dict(port=0), "port"),
    (dict(site=" "), "site"),
])
def test_bad_input_names_the_option(overrides, option):
    with pytest.raises(ChangeRequestError) as info:
        rules(**overrides)
    assert info.value.option == option and str(info.value).startswith(option + ":")


def test_slug():
    assert slug(" Site/A b ") == "Site-A-b" and slug("///") == "site"
