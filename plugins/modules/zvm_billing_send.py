#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: zvm_billing_send
short_description: Make a ZVM send its billing usage to Zerto now, through its REST API
version_added: 0.1.0
description:
  - Calls C(POST /v1/localsite/billing/sendUsage) on a Zerto Virtual Manager. The ZVM then contacts the Zerto
    billing server itself, so a pass proves the whole path from the ZVM's network position.
  - Older releases answer V(Passed) or V(Failed); newer ones answer HTTP 200 with no body on success and a
    server error on failure. Both are understood.
  - The session is always ended, also on error.
  - Reports C(changed) only when the usage was sent.
extends_documentation_fragment:
  - zerto_msp.billing.zvm_api
  - zerto_msp.billing.attributes
  - zerto_msp.billing.attributes.PLATFORM_CONTROLLER
attributes:
  check_mode:
    support: full
    details:
      - In check mode nothing is contacted and nothing is sent. The module predicts C(changed=true),
        returns RV(sent=false) and says so in RV(msg). Options are still validated.
  diff_mode:
    support: none
options:
  fail_when_not_sent:
    description:
      - Fail the task when the ZVM reports that it could not send the usage.
      - With V(false) the task succeeds and RV(sent) is V(false), for playbooks that report rather than stop.
    type: bool
    default: true
seealso:
  - module: zerto_msp.billing.zvm_info
author:
  - Zerto MSP billing maintainers (@zerto-msp)
"""

EXAMPLES = r"""
- name: Prove that the ZVM can send billing usage
  zerto_msp.billing.zvm_billing_send:
    api_url: https://zvm01.example.net:9669
    username: "{{ zvm_api_username }}"
    password: "{{ zvm_api_password }}"
    ca_path: /etc/pki/zerto/zvm-ca.pem

- name: Try the send on an appliance and report the outcome instead of failing
  zerto_msp.billing.zvm_billing_send:
    api_url: https://zvma01.example.net
    client_id: "{{ zvm_api_client_id }}"
    client_secret: "{{ zvm_api_client_secret }}"
    fail_when_not_sent: false
  register: billing_send

- name: Show the outcome
  ansible.builtin.debug:
    msg: "sent={{ billing_send.sent }} answer={{ billing_send.raw }}"
"""

RETURN = r"""
sent:
  description: Whether the ZVM reported that the usage was sent. V(false) in check mode.
  returned: always
  type: bool
  sample: true
raw:
  description: The answer body with JSON string quotes removed, for example V(Passed), V(Failed) or an
    empty string for HTTP 200 with no body. Null in check mode.
  returned: always
  type: str
  sample: Passed
status:
  description: HTTP status of the sendUsage answer. Null in check mode.
  returned: always
  type: int
  sample: 200
platform:
  description: V(windows_zvm) after session login, V(appliance) after Keycloak login. Null in check mode.
  returned: always
  type: str
  sample: appliance
msg:
  description: What happened, in words.
  returned: always
  type: str
  sample: The ZVM sent its billing usage (answer 'Passed').
error_class:
  description: On failure, one of V(wrong_credentials), V(api_unreachable), V(tls_failure), V(unexpected_response),
    V(invalid_options), or V(usage_not_sent) when the ZVM could not send and O(fail_when_not_sent=true).
  returned: failure
  type: str
  sample: usage_not_sent
error_reason:
  description: On failure, a finer reason where known, for example V(refused), V(timeout) or
    V(certificate_verify_failed).
  returned: failure
  type: str
  sample: timeout
http_status:
  description: On failure, the HTTP status that caused it, where there was one.
  returned: failure
  type: int
  sample: 401
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.zerto_msp.billing.plugins.module_utils.zvm_api import (
    client_from_module, fail_with_api_error, zvm_api_argument_spec)
from ansible_collections.zerto_msp.billing.plugins.module_utils.zvm_api_errors import ZvmApiError


def main():
    argument_spec = zvm_api_argument_spec()
    argument_spec.update(fail_when_not_sent=dict(type='bool', default=True))
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    client = None
    try:
        client = client_from_module(module)
        if module.check_mode:
            module.exit_json(changed=True, sent=False, raw=None, status=None, platform=None,
                             msg='Check mode: nothing was contacted and no usage was sent; a real run would '
                                 'ask the ZVM to send its billing usage now.')
        with client:
            sent, raw, status = client.send_usage()
            platform = client.platform
    except ZvmApiError as exc:
        fail_with_api_error(module, exc, client)
    for warning in client.warnings:
        module.warn(client.scrub(warning))
    answer = repr(raw) if raw else 'HTTP %d, no body' % status
    result = dict(sent=sent, raw=raw, status=status, platform=platform)
    if sent:
        module.exit_json(changed=True, msg='The ZVM sent its billing usage (answer %s).' % answer, **result)
    msg = ('The ZVM could not send its billing usage (answer %s): check its outbound TCP 443 path to the '
           'Zerto billing server.' % answer)
    if module.params['fail_when_not_sent']:
        module.fail_json(msg=msg, error_class='usage_not_sent', changed=False, **result)
    module.exit_json(changed=False, msg=msg, **result)


if __name__ == '__main__':
    main()
