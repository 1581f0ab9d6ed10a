# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What one probe stage found."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class StageFailure(Exception):
    """A stage failed; carries the error class and a sentence of evidence."""

    def __init__(self, stage, error_class, detail):
        super(StageFailure, self).__init__(detail)
        self.stage = stage
        self.error_class = error_class
        self.detail = detail
