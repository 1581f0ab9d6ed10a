# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The error of one bad entry of a list option: which entry, and why (for a message naming both)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class EntryError(ValueError):
    def __init__(self, entry, reason):
        self.entry = entry
        self.reason = reason
        super(EntryError, self).__init__("%r: %s" % (entry, reason))
