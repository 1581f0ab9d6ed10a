#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: zvm_info
short_description: Read a ZVM's version, site and active billing alerts from its REST API
version_added: 0.1.0
description:
  - Logs in to the REST API of a Zerto Virtual Manager (Windows ZVM session or ZVM Appliance Keycloak),
    reads C(/v1/localsite), C(/v1/alerts) and C(/v1/license), and always ends its session, also on error.
  - Returns the version as a normalised string and as comparable integers, and the active (not dismissed)
    billing alerts.
  - An alert counts as a billing alert when its help identifier is in O(billing_help_identifiers) or its
    description contains one of O(billing_description_keywords) as a whole word.
  - JSON keys are matched without regard to case, so older (PascalCase) and newer (camelCase) releases work.
extends_documentation_fragment:
  - zerto_msp.billing.zvm_api
  - zerto_msp.billing.attributes
  - zerto_msp.billing.attributes.PLATFORM_CONTROLLER
attributes:
  check_mode:
    support: full
    details: The module only reads, so check mode runs it in full.
  diff_mode:
    support: none
options:
  billing_help_identifiers:
    description:
      - Help identifiers of the alerts that mean billing usage is not being sent.
      - C(LIC0012) is the billing usage warning, C(LIC0013) the critical billing usage warning.
      - Add identifiers here when a ZVM release reports billing trouble under another one.
    type: list
    elements: str
    default: [LIC0012, LIC0013]
  billing_description_keywords:
    description:
      - Words that make an alert a billing alert when its description contains one of them as a whole word,
        whatever its help identifier. Case is ignored.
      - Set to V([]) to rely on O(billing_help_identifiers) alone.
    type: list
    elements: str
    default: [billing, usage]
seealso:
  - module: zerto_msp.billing.zvm_billing_send
author:
  - Zerto MSP billing maintainers (@zerto-msp)
"""

EXAMPLES = r"""
- name: Read a Windows ZVM
  zerto_msp.billing.zvm_info:
    api_url: https://zvm01.example.net:9669
    username: "{{ zvm_api_username }}"
    password: "{{ zvm_api_password }}"
    ca_path: /etc/pki/zerto/zvm-ca.pem
  register: zvm

- name: Read a ZVM Appliance with a Keycloak client
  zerto_msp.billing.zvm_info:
    api_url: https://zvma01.example.net
    client_id: "{{ zvm_api_client_id }}"
    client_secret: "{{ zvm_api_client_secret }}"
  register: zvm

- name: Stop when billing usage is not being sent
  ansible.builtin.assert:
    that: zvm.billing_alerts | length == 0
    fail_msg: "{{ zvm.site_name }}: {{ zvm.billing_alerts | map(attribute='description') | join('; ') }}"

- name: Gate on the version (9.0 or later)
  ansible.builtin.assert:
    that: zvm.version_parts | map('string') | join('.') is ansible.builtin.version('9.0', '>=')
"""

RETURN = r"""
version:
  description: Normalised version, for example V(9.7.0.5) or V(10.0 U1); the raw value when it cannot be parsed.
  returned: success
  type: str
  sample: 9.7.0.5
version_parts:
  description: Integers of the version for comparisons (dotted numbers, then update, then patch); empty when
    the version cannot be parsed.
  returned: success
  type: list
  elements: int
  sample: [9, 7, 0, 5]
version_raw:
  description: The version as the API returned it (C(version), else C(displayVersion)).
  returned: success
  type: str
  sample: 10.0_U1
display_version:
  description: The C(displayVersion) the API returned, if any.
  returned: success
  type: str
  sample: 10.0 Update 1
site_name:
  description: Name of the local site.
  returned: success
  type: str
  sample: msp-dc1
site_identifier:
  description: Identifier of the local site.
  returned: success
  type: str
  sample: 7c1fdd3a-5a3b-4d50-9d52-1a2f0e4a7d10
platform:
  description: V(windows_zvm) after session login, V(appliance) after Keycloak login.
  returned: success
  type: str
  sample: windows_zvm
auth:
  description: The authentication flow used, V(session) or V(keycloak).
  returned: success
  type: str
  sample: session
billing_alerts:
  description: Active, not dismissed billing alerts, in the order the ZVM listed them.
  returned: success
  type: list
  elements: dict
  contains:
    help_identifier:
      description: Alert help identifier.
      type: str
      sample: LIC0012
    level:
      description: Alert level.
      type: str
      sample: Warning
    description:
      description: Alert text.
      type: str
      sample: Billing usage warning
    turned_on:
      description: When the alert was raised, as the API reported it.
      type: str
      sample: "2024-05-01T10:00:00Z"
    entity:
      description: Entity the alert is about.
      type: str
      sample: Zvm
    identifier:
      description: Alert identifier (from its link), if any.
      type: str
      sample: 0c6a1a38-1b5a-4a1c-8b0b-3f4c0c0a0b01
license:
  description: License type, expiry and VM limit; the license key is never returned. Null when the
    license endpoint is not available (a warning says why).
  returned: success
  type: dict
  contains:
    type:
      description: License type.
      type: str
      sample: Production
    expiry_time:
      description: Expiry as the API reported it.
      type: str
      sample: "2026-12-31T00:00:00Z"
    max_vms:
      description: Licensed VM count.
      type: int
      sample: 500
error_class:
  description: On failure, one of V(wrong_credentials), V(api_unreachable), V(tls_failure), V(unexpected_response),
    V(invalid_options).
  returned: failure
  type: str
  sample: wrong_credentials
error_reason:
  description: On failure, a finer reason where known, for example V(refused), V(timeout) or
    V(certificate_verify_failed).
  returned: failure
  type: str
  sample: refused
http_status:
  description: On failure, the HTTP status that caused it, where there was one.
  returned: failure
  type: int
  sample: 401
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.zerto_msp.billing.plugins.module_utils.zvm_alerts import (
    DEFAULT_BILLING_HELP_IDENTIFIERS, DEFAULT_BILLING_KEYWORDS, active_billing_alerts)
from ansible_collections.zerto_msp.billing.plugins.module_utils.zvm_api import (
    client_from_module, fail_with_api_error, zvm_api_argument_spec)
from ansible_collections.zerto_msp.billing.plugins.module_utils.zvm_api_errors import (
    ZvmApiError, ZvmCredentialsError, ZvmUnexpectedResponse)
from ansible_collections.zerto_msp.billing.plugins.module_utils.zvm_json import ci_get
from ansible_collections.zerto_msp.billing.plugins.module_utils.zvm_version import parse_version


def site_facts(localsite):
    if not isinstance(localsite, dict):
        raise ZvmUnexpectedResponse('Unexpected answer from GET /v1/localsite: expected an object, got a %s.'
                                    % type(localsite).__name__)
    display = ci_get(localsite, 'displayVersion')
    raw = ci_get(localsite, 'Version')
    if raw in (None, ''):
        raw = display
    if raw in (None, ''):
        raise ZvmUnexpectedResponse('Unexpected answer from GET /v1/localsite: no Version, version or '
                                    'displayVersion key.')
    parsed = parse_version(raw)
    return {
        'version': parsed[0] if parsed else str(raw),
        'version_parts': parsed[1] if parsed else [],
        'version_raw': str(raw),
        'display_version': display,
        'site_name': ci_get(localsite, 'SiteName'),
        'site_identifier': ci_get(localsite, 'SiteIdentifier'),
    }


def license_facts(license_answer):
    details = ci_get(license_answer, 'Details', default={})
    return {
        'type': ci_get(details, 'LicenseType'),
        'expiry_time': ci_get(details, 'ExpiryTime'),
        'max_vms': ci_get(details, 'MaxVms'),
    }


def gather(client, params, warn):
    result = site_facts(client.get_json('/v1/localsite'))
    result['billing_alerts'] = active_billing_alerts(client.get_json('/v1/alerts'),
                                                     params['billing_help_identifiers'],
                                                     params['billing_description_keywords'])
    try:
        result['license'] = license_facts(client.get_json('/v1/license'))
    except (ZvmUnexpectedResponse, ZvmCredentialsError) as exc:
        if isinstance(exc, ZvmCredentialsError) and exc.status != 403:
            raise
        warn('License details not available: %s' % exc.message)
        result['license'] = None
    return result


def main():
    argument_spec = zvm_api_argument_spec()
    argument_spec.update(
        billing_help_identifiers=dict(type='list', elements='str', default=list(DEFAULT_BILLING_HELP_IDENTIFIERS)),
        billing_description_keywords=dict(type='list', elements='str', no_log=False,
                                          default=list(DEFAULT_BILLING_KEYWORDS)),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    client = None
    try:
        client = client_from_module(module)
        with client:
            result = gather(client, module.params, module.warn)
            result.update(platform=client.platform, auth=client.flow)
    except ZvmApiError as exc:
        fail_with_api_error(module, exc, client)
    for warning in client.warnings:
        module.warn(client.scrub(warning))
    module.exit_json(changed=False, **result)


if __name__ == '__main__':
    main()
