# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """Shared ``attributes`` blocks for the collection's modules."""

    DOCUMENTATION = r"""
options: {}
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
"""

    # A module that only reads state on the managed host.
    READ_ONLY = r"""
options: {}
attributes:
  check_mode:
    support: full
    details: The module never changes anything, so check mode runs it in full.
  diff_mode:
    support: none
"""

    # A module that changes the managed host and predicts the change in check mode.
    CHANGES_HOST = r"""
options: {}
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
"""

    PLATFORM_LINUX = r"""
options: {}
attributes:
  platform:
    description: Target OS/families that can be operated against.
    support: full
    platforms: posix
"""

    PLATFORM_CONTROLLER = r"""
options: {}
attributes:
  platform:
    description: Runs on the controller or execution environment, talking to the target over HTTPS.
    support: full
    platforms: all
"""
