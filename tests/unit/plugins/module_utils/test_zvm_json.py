# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zerto_msp.billing.plugins.module_utils.zvm_json import ci_get


def test_matches_any_casing():
    assert ci_get({'SiteName': 'a'}, 'siteName') == 'a'
    assert ci_get({'sitename': 'b'}, 'SiteName') == 'b'
    assert ci_get({'SITENAME': 'c'}, 'siteName') == 'c'


def test_first_name_found_wins():
    assert ci_get({'displayVersion': 'd', 'Version': 'v'}, 'version', 'displayVersion') == 'v'
    assert ci_get({'displayVersion': 'd'}, 'version', 'displayVersion') == 'd'


def test_exact_key_beats_other_casing():
    assert ci_get({'version': 'lower', 'Version': 'upper'}, 'Version') == 'upper'
    assert ci_get({'Version': 'upper', 'version': 'lower'}, 'version') == 'lower'


def test_default_for_missing_key_or_non_dict():
    assert ci_get({'a': 1}, 'b') is None
    assert ci_get({'a': 1}, 'b', default=7) == 7
    assert ci_get(['a'], 'a', default='x') == 'x'
    assert ci_get(None, 'a') is None


def test_falsy_values_are_returned():
    assert ci_get({'IsDismissed': False}, 'isDismissed', default=True) is False
    assert ci_get({'count': 0}, 'Count', default=5) == 0
