# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.zerto_msp.billing.plugins.module_utils.zvm_alerts import active_billing_alerts
from ansible_collections.zerto_msp.billing.plugins.module_utils.zvm_api_errors import ZvmUnexpectedResponse


def pascal(help_identifier, description, dismissed=False, level='Warning'):
    return {'HelpIdentifier': help_identifier, 'Description': description, 'IsDismissed': dismissed,
            'Level': level, 'TurnedOn': '2024-05-01T10:00:00Z', 'Entity': 'Zvm',
            'Link': {'identifier': 'id-' + help_identifier}}


def camel(help_identifier, description, dismissed=False, level='Warning'):
    return {key[:1].lower() + key[1:]: value
            for key, value in pascal(help_identifier, description, dismissed, level).items()}


@pytest.mark.parametrize('shape', [pascal, camel])
def test_selects_active_billing_alerts_in_both_casings(shape):
    alerts = [shape('LIC0012', 'Billing usage warning'), shape('VPG0004', 'VPG is not meeting SLA'),
              shape('LIC0013', 'Critical billing usage warning', dismissed=True)]
    assert active_billing_alerts(alerts) == [{
        'help_identifier': 'LIC0012', 'level': 'Warning', 'description': 'Billing usage warning',
        'turned_on': '2024-05-01T10:00:00Z', 'entity': 'Zvm', 'identifier': 'id-LIC0012', 'is_dismissed': False}]


def test_description_keywords_count_as_whole_words_only():
    alerts = [pascal('ZVM0100', 'Usage data could not be sent'), pascal('ZVM0101', 'Rebilling pending'),
              pascal('ZVM0102', 'Journal USAGE is high'), pascal('ZVM0103', 'Datastore usages')]
    found = [alert['help_identifier'] for alert in active_billing_alerts(alerts)]
    assert found == ['ZVM0100', 'ZVM0102']
    assert active_billing_alerts(alerts, keywords=[]) == []


def test_operator_extends_help_identifiers_case_insensitively():
    alerts = [pascal('lic0099', 'Something else')]
    assert active_billing_alerts(alerts) == []
    assert len(active_billing_alerts(alerts, help_identifiers=['LIC0012', 'LIC0099'])) == 1


def test_dismissed_as_string_is_understood():
    assert active_billing_alerts([pascal('LIC0012', 'x', dismissed='True')]) == []
    assert len(active_billing_alerts([pascal('LIC0012', 'x', dismissed='false')])) == 1


@pytest.mark.parametrize('answer', [{'alerts': []}, 'nope', [['not', 'an', 'alert']]])
def test_unexpected_shapes_raise(answer):
    with pytest.raises(ZvmUnexpectedResponse):
        active_billing_alerts(answer)
