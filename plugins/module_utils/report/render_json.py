# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The JSON report: the report document, keys sorted, so the same input gives the same bytes."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json


def render(report):
    return json.dumps(report, indent=2, sort_keys=True, ensure_ascii=False, separators=(",", ": ")) + "\n"
