# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: fleet_records
short_description: Gather the billing_report records of every host of a run
version_added: 0.1.0
author:
  - Zerto MSP billing maintainers (@zerto-msp)
description:
  - Collects the records each host kept in a host variable (by default C(zerto_billing_records)) into one
    list for M(zerto_msp.billing.billing_report).
  - A host that has no records (it failed or was unreachable before any check recorded a result) gets one
    C(fail) record with the error class C(no_result), so that every host of the run is in the report.
positional: hosts
options:
  _input:
    description: C(hostvars).
    type: dict
    required: true
  hosts:
    description: The hosts of the run, usually C(ansible_play_hosts_all) of the play that ran the checks.
    type: list
    elements: str
    required: true
  variable:
    description: The host variable that holds each host's records.
    type: str
    default: zerto_billing_records
  check:
    description: The check name of the record given to a host without records.
    type: str
    default: run
"""

EXAMPLES = r"""
- name: Remember the hosts of the run on the controller
  ansible.builtin.set_fact:
    zerto_billing_run_hosts: "{{ ansible_play_hosts_all }}"
  delegate_to: localhost
  delegate_facts: true
  run_once: true

# ... checks that append to zerto_billing_records on each host ...

- name: Write the reports, also for hosts that failed early
  zerto_msp.billing.billing_report:
    records: "{{ hostvars | zerto_msp.billing.fleet_records(zerto_billing_run_hosts) }}"
    playbook: pre_upgrade
    run_id: "{{ awx_job_id | default('manual') }}"
    report_dir: "{{ zerto_billing_report_dir }}"
"""

RETURN = r"""
_value:
  description: The records of all the hosts, in the order of O(hosts).
  type: list
  elements: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.zerto_msp.billing.plugins.module_utils.report import fleet


def fleet_records(hostvars, hosts, variable="zerto_billing_records", check="run"):
    try:
        return fleet.gather(hostvars, hosts, variable, check)
    except fleet.GatherError as error:
        raise AnsibleFilterError("zerto_msp.billing.fleet_records: %s" % error)


class FilterModule(object):
    def filters(self):
        return {"fleet_records": fleet_records}
