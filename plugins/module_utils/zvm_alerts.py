# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pick the active billing alerts out of a ``GET /v1/alerts`` answer."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.zerto_msp.billing.plugins.module_utils.zvm_api_errors import ZvmUnexpectedResponse
from ansible_collections.zerto_msp.billing.plugins.module_utils.zvm_json import ci_get

# LIC0012 "Billing usage warning" and LIC0013 "Critical billing usage warning".
DEFAULT_BILLING_HELP_IDENTIFIERS = ('LIC0012', 'LIC0013')
DEFAULT_BILLING_KEYWORDS = ('billing', 'usage')


def _truthy(value):
    if isinstance(value, str):
        return value.strip().lower() == 'true'
    return bool(value)


def normalise_alert(raw):
    """One alert in the module's return format, whatever the key casing of the answer."""
    if not isinstance(raw, dict):
        raise ZvmUnexpectedResponse('Unexpected answer from GET /v1/alerts: an alert is a %s, not an object.'
                                    % type(raw).__name__)
    link = ci_get(raw, 'Link')
    return {
        'help_identifier': ci_get(raw, 'HelpIdentifier'),
        'level': ci_get(raw, 'Level'),
        'description': ci_get(raw, 'Description'),
        'turned_on': ci_get(raw, 'TurnedOn'),
        'entity': ci_get(raw, 'Entity'),
        'identifier': ci_get(link, 'identifier') if isinstance(link, dict) else None,
        'is_dismissed': _truthy(ci_get(raw, 'IsDismissed', default=False)),
    }


def is_billing_alert(alert, help_identifiers, keywords):
    """True when the alert's help identifier is listed or its description names a keyword as a word."""
    wanted = set(str(item).strip().upper() for item in help_identifiers)
    if str(alert.get('help_identifier') or '').strip().upper() in wanted:
        return True
    description = str(alert.get('description') or '')
    return any(re.search(r'\b%s\b' % re.escape(word), description, re.IGNORECASE)
               for word in keywords if word)


def active_billing_alerts(raw_alerts, help_identifiers=DEFAULT_BILLING_HELP_IDENTIFIERS,
                          keywords=DEFAULT_BILLING_KEYWORDS):
    """Billing alerts that are not dismissed, in the order the ZVM listed them."""
    if not isinstance(raw_alerts, list):
        raise ZvmUnexpectedResponse('Unexpected answer from GET /v1/alerts: expected a list, got a %s.'
                                    % type(raw_alerts).__name__)
    alerts = [normalise_alert(raw) for raw in raw_alerts]
    return [alert for alert in alerts
            if not alert['is_dismissed'] and is_billing_alert(alert, help_identifiers, keywords)]
