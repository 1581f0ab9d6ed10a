# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Key lookup for ZVM API answers, whose key casing differs between releases."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


def ci_get(data, *names, default=None):
    """Value of the first of ``names`` found in the dict ``data``, comparing keys without case.

    ``default`` is returned when data is not a dict or no name matches. An exact match
    wins over a case-insensitive one, so a dict holding both ``Version`` and ``version`` is read
    predictably.
    """
    if not isinstance(data, dict):
        return default
    lowered = {}
    for key, value in data.items():
        if isinstance(key, str):
            lowered.setdefault(key.lower(), value)
    for name in names:
        if name in data:
            return data[name]
        if name.lower() in lowered:
            return lowered[name.lower()]
    return default
