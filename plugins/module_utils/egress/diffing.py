# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Rendering owned entries and file changes as Ansible --diff dictionaries."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


def lines_text(lines):
    return "".join(line + "\n" for line in lines)


def entries_diff(header, before_lines, after_lines):
    return {
        "before_header": "%s (before)" % header,
        "after_header": "%s (after)" % header,
        "before": lines_text(before_lines),
        "after": lines_text(after_lines),
    }


def file_diff(path, before, after):
    return {
        "before_header": path,
        "after_header": path,
        "before": before or "",
        "after": after or "",
    }
