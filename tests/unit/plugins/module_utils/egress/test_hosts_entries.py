# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.hosts_entries import find_pins, without_pins

HOSTS = (
    "127.0.0.1\tlocalhost\n"
    "# 198.51.100.90 autologs.zerto.com (commented out, not a pin)\n"
    "198.51.100.90\tautologs.zerto.com\n"
    "198.51.100.91 AUTOLOGS.zerto.com. billing-alias  # shared line\n"
)


def test_pins_are_found_case_insensitively_and_comments_skipped():
    entries = find_pins(HOSTS, ["autologs.zerto.com"], "/etc/hosts")
    assert [(e.location["line"], e.action, e.others) for e in entries] == [(3, "remove", []), (4, "narrow", ["billing-alias"])]


def test_removal_keeps_every_other_line_and_name():
    entries = find_pins(HOSTS, ["autologs.zerto.com"], "/etc/hosts")
    assert without_pins(HOSTS, entries) == (
        "127.0.0.1\tlocalhost\n"
        "# 198.51.100.90 autologs.zerto.com (commented out, not a pin)\n"
        "198.51.100.91\tbilling-alias # shared line\n"
    )
    assert find_pins(without_pins(HOSTS, entries), ["autologs.zerto.com"], "/etc/hosts") == []
