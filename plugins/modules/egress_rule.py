#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: egress_rule
short_description: Allow outbound traffic to given addresses in the host's own firewall (nftables or iptables)
version_added: 0.1.0
description:
  - Makes the host's firewall allow outbound traffic to O(destinations) on O(port), wherever the
    existing ruleset would drop it, using only entries the collection owns and marks.
  - nftables, named sets C(zerto_billing_v4) / C(zerto_billing_v6) (C(flags interval)) in every table
    that has a base chain on the output hook (and forward with O(filter_forward)) that can drop, and
    in each such chain one rule C(ip daddr @zerto_billing_v4 tcp dport 443 counter accept comment
    "zerto_msp.billing egress") inserted just before the first rule that can drop (or appended when
    only the chain policy drops). An accept in a table of its own would not override another
    table's drop, which is why the rule goes into the admin's chains. All changes of a run are one
    C(nft -f) transaction.
  - iptables, one rule per destination in the filter table's OUTPUT (and FORWARD) chain, with
    C(-m comment --comment "zerto_msp.billing egress"), inserted before the first rule whose target
    is DROP, REJECT or a user chain that can drop; ip6tables for IPv6 destinations; applied per
    family as one C(iptables-restore --noflush --wait) delta; state is read with iptables-save,
    never inferred from C(iptables -C).
  - Chains that cannot drop the traffic (policy accept, no drop or reject) get nothing.
  - ufw, one C(ufw allow out proto tcp to <destination> port 443 comment "zerto_msp.billing egress")
    rule per destination, inserted ahead of the first user rule that denies, rejects or limits egress.
    State is read from ufw's own store (C(/etc/ufw/user.rules), C(user6.rules)), which ufw also
    persists. Rules are deleted by exact rule, never by number. If an identical rule without the
    collection's comment exists, it is left alone (ufw would otherwise relabel it) and a note says so.
    O(filter_forward) is not supported with ufw.
  - firewalld (0.9 or later), a policy C(zerto-billing) from HOST to ANY ahead of the admin's HOST policies,
    with one rich rule per IP version accepting the port to the ipset C(zerto-billing-v4) /
    C(zerto-billing-v6) of the destinations, changed in the runtime and the permanent configuration
    alike. Creating or deleting the policy or an ipset needs C(firewall-cmd --reload), which is refused
    while runtime and permanent configuration differ in anything else. firewalld has no dry run, so
    check mode reports the plan (and fails when that reload would be refused). O(filter_forward) is
    not supported with firewalld.
  - Squid (O(backend=squid), run on the proxy host), an ACL file of the collection's own
    (O(squid_acl_path)) with C(dstdomain) entries for O(hostnames) and C(dst) entries for
    O(destinations), included from O(squid_conf_path) just before the first C(http_access deny);
    checked with C(squid -k parse) before C(squid -k reconfigure), rolled back if Squid rejects it.
  - Rules and sets the collection does not own are never flushed, reordered or edited.
  - Re-running with other O(destinations) refreshes the sets / rules to exactly the new list.
author:
  - Zerto MSP billing maintainers (@zerto-msp)
extends_documentation_fragment:
  - zerto_msp.billing.attributes
  - zerto_msp.billing.attributes.PLATFORM_LINUX
  - zerto_msp.billing.egress
attributes:
  check_mode:
    support: full
    details: Computes and reports the change (validated with C(nft -c) / C(iptables-restore --test) / C(ufw --dry-run)); changes nothing.
  diff_mode:
    support: full
    details: Shows the collection's entries before and after, and persisted files.
options:
  destinations:
    description:
      - IPv4/IPv6 addresses and CIDRs to allow. Overlapping and adjacent entries are merged.
      - Hostnames are not accepted here; give them in O(resolve).
      - With O(state=present), O(destinations), O(resolve) or both are required. Ignored with O(state=absent).
    type: list
    elements: str
    default: []
  resolve:
    description:
      - Host names (or V(https://host) URLs without a path) to resolve on the managed host, with its
        own resolver (all A and AAAA records, what the ZVM itself will connect to), at the time of
        the run. Their addresses are allowed along with O(destinations).
      - A name that resolves to nothing fails the module with C(dns_failure) before anything changes.
      - Not for O(backend=squid), where the proxy matches the name itself (O(hostnames)).
      - Ignored with O(state=absent).
    type: list
    elements: str
    default: []
  hostnames:
    description:
      - Host names to allow, for O(backend=squid) only (a proxy matches the requested name, Squid
        C(dstdomain)). A leading dot (V(.example.com)) means the domain and all its subdomains.
      - V(https://host) URLs are taken as their host. A URL path, a port, an IP address and two
        entries of which one matches the other (V(.example.com) and V(billing.example.com)) are
        refused before anything is changed.
      - With O(backend=squid) and O(state=present), O(hostnames), O(destinations) or both are required.
    type: list
    elements: str
    default: []
  state:
    description:
      - V(present) makes the collection's entries allow exactly O(destinations).
      - V(absent) removes every entry the collection owns, and nothing else.
    type: str
    choices: [present, absent]
    default: present
  filter_forward:
    description: Also open the forward hook / FORWARD chain (gateway hosts).
    type: bool
    default: false
notes:
  - Runs on the managed host as root; needs C(nft) or the C(iptables) tools of the chosen variant.
seealso:
  - module: zerto_msp.billing.egress_entries
"""

EXAMPLES = r"""
- name: Open egress to the new billing endpoint addresses
  zerto_msp.billing.egress_rule:
    destinations:
      - 198.51.100.70
      - 2001:db8:100::/64
    port: 443

- name: Open egress to whatever the new billing host name resolves to on the host, now
  zerto_msp.billing.egress_rule:
    resolve: ["{{ zerto_billing_new_url }}"]

- name: Same on a gateway host with iptables-legacy, no persistence
  zerto_msp.billing.egress_rule:
    backend: iptables
    iptables_variant: legacy
    destinations: [198.51.100.64/26]
    filter_forward: true
    persist: false

- name: Allow CONNECT to the new billing host name on the site's Squid proxy
  zerto_msp.billing.egress_rule:
    backend: squid
    hostnames: ["{{ zerto_billing_new_url }}"]
    squid_conf_path: /etc/squid/squid.conf

- name: On a host whose firewall is ufw (auto detects an active ufw)
  zerto_msp.billing.egress_rule:
    backend: ufw
    destinations: [198.51.100.70]

- name: Remove everything the collection added
  zerto_msp.billing.egress_rule:
    state: absent
"""

RETURN = r"""
backend:
  description: Backend used.
  returned: always
  type: str
  sample: nftables
backend_variant:
  description: iptables variant used (V(nft) or V(legacy)); null for nftables.
  returned: always
  type: str
  sample: legacy
detection:
  description: Why this backend (and variant) was chosen.
  returned: always
  type: list
  elements: str
  sample: ["nftables base chains that can drop egress: inet admin/output"]
added:
  description: Entries added (sets, set elements, rules).
  returned: always
  type: list
  elements: str
  sample: ['table inet admin chain output rule ip daddr @zerto_billing_v4 tcp dport 443 counter accept comment "zerto_msp.billing egress"']
removed:
  description: Entries removed (only ever the collection's own).
  returned: always
  type: list
  elements: str
  sample: []
applied:
  description: The nft script or iptables-restore input that was applied (or would be, in check mode).
  returned: always
  type: str
  sample: "add set inet admin zerto_billing_v4 { type ipv4_addr; flags interval; }\n"
entries:
  description: The collection's entries after the run.
  returned: always
  type: list
  elements: str
resolved:
  description: What each name of O(resolve) resolved to on the host (empty without O(resolve)).
  returned: always
  type: dict
  sample: {"billing.example.com": ["198.51.100.70", "2001:db8:100::70"]}
previous_destinations:
  description:
    - The destinations (addresses and CIDRs, merged) that the collection's own entries allowed on
      O(port) before this run, read from the same state the run planned from.
    - Empty when the collection owned nothing; running again with these as O(destinations) (or
      O(state=absent) when empty) puts the collection's entries back as they were.
    - Always empty with O(backend=squid).
  returned: always
  type: list
  elements: str
  sample: ["198.51.100.70", "2001:db8:100::/64"]
notes:
  description: Remarks on the plan, for example that no chain can drop the traffic so nothing was needed.
  returned: always
  type: list
  elements: str
persisted:
  description: Persisted files changed (or that would change).
  returned: always
  type: list
  elements: str
  sample: [/etc/nftables.d/zerto_billing.nft, /etc/nftables.conf]
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.base import BackendError, EgressSpec
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.commands import CommandError, ModuleRunner
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.destinations import (
    collapse,
    network_text,
    parse_destination,
)
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.diffing import entries_diff, file_diff
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.locking import LockTimeout, exclusive_lock
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.options import (
    checked_destinations,
    checked_hostnames,
    checked_lock_timeout,
    checked_port,
    common_argument_spec,
)
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.registry import build, resolve
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.resolving import ResolveError, resolve_all, with_resolved


def script_text(script):
    if isinstance(script, dict):
        return "".join(script[key] for key in sorted(script))
    return script or ""


# Every address of both families: find_entries() with these lists every entry that allows any destination.
EVERYWHERE = [parse_destination("0.0.0.0/1"), parse_destination("128.0.0.0/1"),
              parse_destination("::/1"), parse_destination("8000::/1")]


def owned_destinations(backend, state, spec):
    """What the collection's own entries allow on the port in `state`, merged, as text."""
    if backend.name == "squid":
        return []
    networks = []
    for entry in backend.find_entries(state, EVERYWHERE, spec.port, spec.protocol):
        if entry.owned:
            networks.extend(parse_destination(text) for text in entry.matched)
    return [network_text(n) for n in collapse(networks)]


def converge(module, runner, spec):
    params = module.params
    name, variant, evidence = resolve(runner, params["backend"], params["iptables_variant"], spec.hooks)
    backend = build(name, variant, runner, params)
    state = backend.read_state()
    previous = owned_destinations(backend, state, spec)
    plan = backend.plan_allow(state, spec) if params["state"] == "present" else backend.plan_revoke(state)
    if plan.changed:
        if module.check_mode:
            backend.validate(plan)
        else:
            backend.apply(plan)
    files = backend.persist(plan, module.check_mode) if params["persist"] else []
    return backend, evidence, plan, files, previous


def resolved_names(module):
    """{name: addresses} for the resolve option; fails before anything changes."""
    if module.params["resolve"] and module.params["backend"] == "squid":
        module.fail_json(msg="resolve: backend=squid matches host names itself; give them in hostnames")
    try:
        return resolve_all(module.params["resolve"])
    except ResolveError as exc:
        if exc.reason.startswith(("does not resolve", "resolves to no")):
            module.fail_json(msg="dns_failure: %s %s, so there is nothing to allow for it. Fix the host's DNS, "
                                 "or allow the published range in destinations." % (exc.entry, exc.reason),
                             error_class="dns_failure", entry=exc.entry)
        module.fail_json(msg="resolve: entry %r %s" % (exc.entry, exc.reason), entry=exc.entry)


def main():
    argument_spec = common_argument_spec()
    argument_spec.update(
        state=dict(type="str", default="present", choices=["present", "absent"]),
        hostnames=dict(type="list", elements="str", default=[]),
        resolve=dict(type="list", elements="str", default=[]),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    params = module.params
    port = checked_port(module)
    checked_lock_timeout(module)
    networks = checked_destinations(module) if params["state"] == "present" else []
    hostnames = checked_hostnames(module) if params["state"] == "present" else []
    if hostnames and params["backend"] != "squid":
        module.fail_json(msg="hostnames: only backend=squid takes host names; give them in resolve "
                             "for a host firewall")
    resolved = resolved_names(module) if params["state"] == "present" else {}
    networks = with_resolved(networks, resolved)
    if params["state"] == "present" and not networks and not hostnames:
        module.fail_json(msg="destinations: at least one IP address or CIDR (or a name in resolve, or, "
                             "with backend=squid, hostnames) is required with state=present")
    if params["state"] == "absent" and params["destinations"]:
        module.warn("destinations is ignored with state=absent: every entry the collection owns is removed")
    spec = EgressSpec(networks, port, params["protocol"], params["filter_forward"])
    runner = ModuleRunner(module)
    try:
        with exclusive_lock(params["lock_path"], params["lock_timeout"]):
            backend, evidence, plan, files, previous = converge(module, runner, spec)
    except (BackendError, LockTimeout) as exc:
        module.fail_json(msg=str(exc))
    except CommandError as exc:
        module.fail_json(msg=str(exc), cmd=exc.argv, rc=exc.rc, stdout=exc.stdout, stderr=exc.stderr)
    for warning in plan.warnings:
        module.warn(warning)
    description = backend.describe()
    diff = [entries_diff("%s entries owned by zerto_msp.billing" % description["name"], plan.before, plan.after)]
    diff.extend(file_diff(c.path, c.before, c.after) for c in files)
    module.exit_json(
        changed=plan.changed or bool(files),
        backend=description["name"],
        backend_variant=description["variant"],
        detection=evidence,
        added=plan.added,
        removed=plan.removed,
        applied=script_text(plan.script) if plan.changed else "",
        entries=plan.after,
        resolved=resolved,
        previous_destinations=previous,
        persisted=[c.path for c in files],
        notes=plan.notes,
        diff=diff,
    )


if __name__ == "__main__":
    main()
