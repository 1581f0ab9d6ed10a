# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parse the version strings a ZVM reports into a normalised string and comparable integers.

Accepted (case-insensitive, surrounding blanks ignored):
- an optional ``Zerto``/``ZVM``/``v`` prefix;
- dotted numbers: ``9.7.0.5``, ``10.0.30.1234``, ``9``;
- then optionally an update marker ``U1``, ``_U1``, `` U1``, ``.U1``, ``Update 1``;
- then optionally a patch marker ``P2``, ``_P2``, ``Patch 2``;
- then optionally a parenthesised remark such as a build number, which is ignored.

Parts are the dotted numbers, then the update number, then the patch number (an update of 0 is
inserted when only a patch is given). ``10.0_U1`` gives ``10.0 U1`` and ``[10, 0, 1]``;
``9.7.0.5`` gives ``9.7.0.5`` and ``[9, 7, 0, 5]``. Comparing a build-number form with an
update-marker form is exact on major and minor only.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

_VERSION_RE = re.compile(
    r'''^\s*(?:zerto\s+)?(?:zvm\s+)?v?
        (?P<dotted>\d+(?:\.\d+)*)
        (?:[\s_.-]*(?:update|u)\s*(?P<update>\d+))?
        (?:[\s_.-]*(?:patch|p)\s*(?P<patch>\d+))?
        \s*(?:\([^()]*\))?\s*$''',
    re.IGNORECASE | re.VERBOSE)


def parse_version(raw):
    """Return ``(normalised, parts)`` for a version string, or ``None`` when it is not one."""
    if raw is None:
        return None
    match = _VERSION_RE.match(str(raw))
    if not match:
        return None
    parts = [int(piece) for piece in match.group('dotted').split('.')]
    text = '.'.join(str(piece) for piece in parts)
    update, patch = match.group('update'), match.group('patch')
    if update is not None or patch is not None:
        parts.append(int(update or 0))
        text += ' U%d' % int(update or 0)
    if patch is not None:
        parts.append(int(patch))
        text += ' P%d' % int(patch)
    return text, parts
