#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: change_request
short_description: Write the perimeter firewall change request for a site's Zerto billing egress
version_added: 0.2.0
description:
  - For sites whose egress is a perimeter firewall owned by another team. Changes no host. Writes,
    on the host it runs on (the controller, with C(delegate_to) C(localhost)), the exact rules that
    team must add before the Zerto upgrade and remove after it, as Markdown (for the ticket) and CSV
    (for review or import).
  - Each destination comes in two forms, an FQDN object (the host of O(new_url) / O(legacy_url))
    and CIDRs (O(new_cidrs) / O(legacy_cidrs)), each rule with source = one ZVM address, protocol
    TCP, destination port O(port), action allow.
  - The files are C(<output_dir>/<site>-zerto-billing-change-request.md) and C(.csv), written
    atomically. Their content depends only on the input (no timestamps), so the same input gives
    V(changed=false).
  - Standard library only. M(zerto_msp.billing.egress_probe), run from the ZVM, verifies once the
    network team says the change is done.
author:
  - Zerto MSP billing maintainers (@zerto-msp)
extends_documentation_fragment:
  - zerto_msp.billing.attributes
attributes:
  check_mode:
    support: full
    details: Reports whether the files would change; writes nothing.
  diff_mode:
    support: full
    details: Shows both files before and after.
options:
  site:
    description: Site name, used in the documents, rule names and file names.
    type: str
    required: true
  zvm_addresses:
    description: IP addresses of the site's ZVMs; each is the source of its own rules.
    type: list
    elements: str
    required: true
  new_url:
    description:
      - The new billing endpoint (FTN-20210401) as V(https://host[/path]) or a host name. Its host
        becomes the FQDN object of the rules to add.
      - O(new_url), O(new_cidrs) or both are required.
    type: str
  new_cidrs:
    description: The new endpoint's published IP ranges (CIDR form of the rules to add).
    type: list
    elements: str
    default: []
  legacy_url:
    description: The legacy billing endpoint (for example V(https://autologs.zerto.com)); FQDN object of the rules to remove.
    type: str
  legacy_cidrs:
    description: The legacy endpoint's addresses (CIDR form of the rules to remove).
    type: list
    elements: str
    default: []
  port:
    description: Destination TCP port.
    type: int
    default: 443
  output_dir:
    description: Directory for the two files; created if missing.
    type: path
    required: true
notes:
  - Example tasks that apply the same rules with C(paloaltonetworks.panos) and C(fortinet.fortios)
    are in C(docs/change_request.md); this collection does not depend on those collections.
seealso:
  - module: zerto_msp.billing.egress_probe
"""

EXAMPLES = r"""
- name: Write the change request for the network team
  zerto_msp.billing.change_request:
    site: "{{ zerto_site_name }}"
    zvm_addresses: "{{ groups['zvms'] | map('extract', hostvars, 'ansible_host') | list }}"
    new_url: "{{ zerto_billing_new_url }}"
    new_cidrs: "{{ zerto_billing_new_cidrs }}"
    legacy_url: https://autologs.zerto.com
    legacy_cidrs: "{{ zerto_billing_legacy_cidrs }}"
    output_dir: "{{ playbook_dir }}/change_requests"
  delegate_to: localhost
  run_once: true
"""

RETURN = r"""
markdown_path:
  description: Path of the Markdown document.
  returned: always
  type: str
  sample: /srv/change_requests/dc1-zerto-billing-change-request.md
csv_path:
  description: Path of the CSV file.
  returned: always
  type: str
  sample: /srv/change_requests/dc1-zerto-billing-change-request.csv
rules:
  description: The rules, one per phase, destination and source, as in the CSV.
  returned: always
  type: list
  elements: dict
  contains:
    site:
      description: The site.
      type: str
    phase:
      description: V(before_upgrade) or V(after_upgrade).
      type: str
    change:
      description: V(add) (before the upgrade) or V(remove) (after it).
      type: str
    rule_name:
      description: Suggested rule or object name, C(<site>-zerto-billing-new) or C(-legacy).
      type: str
    source:
      description: The ZVM address.
      type: str
    destination_type:
      description: V(fqdn) or V(cidr).
      type: str
    destination:
      description: The host name or the CIDR.
      type: str
    protocol:
      description: Always V(tcp).
      type: str
    port:
      description: Destination port.
      type: int
    action:
      description: Always V(allow).
      type: str
  sample:
    - site: dc1
      phase: before_upgrade
      change: add
      rule_name: dc1-zerto-billing-new
      source: 198.51.100.10
      destination_type: fqdn
      destination: billing.example.com
      protocol: tcp
      port: 443
      action: allow
"""

import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.zerto_msp.billing.plugins.module_utils.change_request import render_csv, render_markdown
from ansible_collections.zerto_msp.billing.plugins.module_utils.change_request.rules import (
    ChangeRequestError,
    build_rules,
    slug,
    sources_of,
)
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.diffing import file_diff
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.files import FileChange, read_text


def documents(params):
    rows = build_rules(params["site"], params["zvm_addresses"], params["new_url"], params["new_cidrs"],
                       params["legacy_url"], params["legacy_cidrs"], params["port"])
    sources = sources_of(params["zvm_addresses"])
    base = os.path.join(params["output_dir"], "%s-zerto-billing-change-request" % slug(params["site"]))
    texts = {
        base + ".md": render_markdown.render(params["site"].strip(), sources, params["port"], rows),
        base + ".csv": render_csv.render(rows),
    }
    return rows, base, [FileChange(path, read_text(path), text) for path, text in sorted(texts.items())]


def main():
    module = AnsibleModule(
        argument_spec=dict(
            site=dict(type="str", required=True),
            zvm_addresses=dict(type="list", elements="str", required=True),
            new_url=dict(type="str"),
            new_cidrs=dict(type="list", elements="str", default=[]),
            legacy_url=dict(type="str"),
            legacy_cidrs=dict(type="list", elements="str", default=[]),
            port=dict(type="int", default=443),
            output_dir=dict(type="path", required=True),
        ),
        supports_check_mode=True,
    )
    try:
        rows, base, changes = documents(module.params)
    except ChangeRequestError as exc:
        module.fail_json(msg=str(exc), option=exc.option)
    changed = [c for c in changes if c.changed]
    if not module.check_mode:
        for change in changed:
            change.write()
    module.exit_json(
        changed=bool(changed),
        markdown_path=base + ".md",
        csv_path=base + ".csv",
        rules=rows,
        diff=[file_diff(c.path, c.before, c.after) for c in changed],
    )


if __name__ == "__main__":
    main()
