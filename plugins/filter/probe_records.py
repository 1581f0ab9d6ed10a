# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: probe_records
short_description: Turn an egress_probe result into billing_report records
version_added: 0.1.0
author:
  - Zerto MSP billing maintainers (@zerto-msp)
description:
  - Converts one registered M(zerto_msp.billing.egress_probe) result into a list of one record for
    M(zerto_msp.billing.billing_report), for one host and one check.
  - Works on failed results too (register them with C(ignore_errors) or in a C(rescue)), on skipped
    tasks, and on results of tasks that failed before probing (a host that could not be reached,
    an invalid option).
  - The record's C(error_class) is the most frequent failure class of the probed addresses, its
    C(meaning) says what that class tells the operator, its C(detail) is the probe's C(summary), and
    its C(data) keeps the counts per class, the endpoint, the proxy and each address's class.
positional: host, check
options:
  _input:
    description: The registered result of an M(zerto_msp.billing.egress_probe) task.
    type: dict
    required: true
  host:
    description: The host the record is about, usually C(inventory_hostname).
    type: str
    required: true
  check:
    description: The name of the check, for example V(new_endpoint) or V(legacy_endpoint).
    type: str
    required: true
  expect:
    description:
      - V(reachable), the endpoint must be reachable (status C(ok)), otherwise the record fails.
      - V(unreachable), the endpoint must not be reachable, for example the legacy endpoint after the
        clean-up; reachable fails with the error class C(still_reachable).
      - V(any), informational; reachable is C(ok), unreachable is C(warn).
      - Reachable means at least one probed address answered (the probe's C(reachable)).
    type: str
    choices: [reachable, unreachable, any]
    default: reachable
"""

EXAMPLES = r"""
- name: Probe the new billing endpoint from the ZVM
  zerto_msp.billing.egress_probe:
    url: "{{ zerto_billing_new_url }}"
  register: zerto_billing_new_probe
  ignore_errors: true

- name: Keep the result as a report record
  ansible.builtin.set_fact:
    zerto_billing_records: >-
      {{ zerto_billing_records | default([])
         + (zerto_billing_new_probe | zerto_msp.billing.probe_records(inventory_hostname, 'new_endpoint')) }}

- name: After the clean-up the legacy endpoint must be unreachable
  ansible.builtin.set_fact:
    zerto_billing_records: >-
      {{ zerto_billing_records | default([])
         + (zerto_billing_legacy_probe | zerto_msp.billing.probe_records(inventory_hostname, 'legacy_endpoint',
                                                                          expect='unreachable')) }}
"""

RETURN = r"""
_value:
  description:
    - A list of one record with the keys C(host), C(check), C(status) (V(ok), V(warn), V(fail) or
      V(skipped)), C(error_class), C(meaning), C(detail) and C(data).
  type: list
  elements: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.zerto_msp.billing.plugins.module_utils.report import probe_records as converter


def probe_records(result, host, check, expect="reachable"):
    try:
        return converter.records_from_probe(result, host, check, expect)
    except converter.ConversionError as error:
        raise AnsibleFilterError("zerto_msp.billing.probe_records: %s" % error)


class FilterModule(object):
    def filters(self):
        return {"probe_records": probe_records}
