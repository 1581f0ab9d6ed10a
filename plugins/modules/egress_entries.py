#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: egress_entries
short_description: Find, back up and remove firewall entries that allow given (legacy) destinations
version_added: 0.1.0
description:
  - Finds every egress entry that allows O(destinations) on O(port) in the firewalls the host uses,
    whether the collection made it or someone made it by hand years ago. nftables covers rules and
    named sets in any table. iptables and ip6tables are read with iptables-save. C(/etc/hosts) pins
    of O(hostnames) are found too.
  - Each entry gets an action. V(remove) means it allows only those destinations on that port.
    V(narrow) means a named set that also holds other members, from which only the matching
    elements go. V(manual_review) means several addresses in one rule, a wider network or other
    ports too; such entries are reported and never touched.
  - With O(remove=true), saves the exact prior state under O(backup_dir) first (C(nft -j list
    ruleset), C(nft list ruleset), C(iptables-save -c), copies of every file about to be edited),
    then removes and narrows in one transaction per firewall, and updates persisted configuration
    (the collection's own nft file, rules.v4/v6, the hosts file). Anything not about the given
    destinations is left byte-identical.
  - nftables, with O(remove=true) and O(persist=true), the admin's own persisted configuration
    (O(nftables_main_config) and every file it includes, globs too) is edited as well, so that a
    reload does not bring the removed entries back. A rule line in the same table and chain with
    the same destinations, port and verdict as a removed live rule (spacing, C(counter) and
    C(comment) do not matter) is deleted when there are exactly as many such lines as removed
    live rules. Legacy elements of a named set's C(elements = { ... }) are taken out of the list,
    the rest of it byte-identical. A set whose live copy was removed goes as a block. Anything
    else in those files that allows the given destinations on O(port) goes to RV(manual_review)
    with its file and line, and is not edited.
  - The edited files are backed up with the rest, checked with C(nft -c -f) as copies in a
    scratch directory (include lines pointed at the copies) before any real file is written, and
    then replaced atomically, keeping mode and owner. If only the edit makes the check fail, the
    module fails and changes nothing. If the configuration fails the check already, it is not
    edited and its lines are reported for review.
  - ufw, C(allow) user rules (with or without a comment) whose destination lies in O(destinations) on
    O(port) are removed with C(ufw delete <the exact rule>); the backup holds C(ufw/user.rules),
    C(ufw/user6.rules) and C(ufw status verbose). To restore, copy both files back to C(/etc/ufw/)
    and run C(ufw reload).
  - firewalld, in both the runtime and the permanent configuration, rich rules of zones and policies
    with a C(destination address) (removed when they accept only given destinations on O(port)),
    ipset entries (V(narrow), only when every rule using the ipset accepts O(port) to it) and direct
    rules. iptables copies of firewalld's direct rules are left to firewalld. The backup holds the
    C(firewall-cmd) listings of both configurations (C(firewalld/runtime-*.txt), C(permanent-*.txt))
    and the permanent configuration's XML files (C(firewalld/etc-firewalld/)). To restore, replace
    C(zones), C(policies), C(ipsets) (an absent one means empty) and C(direct.xml) under
    C(/etc/firewalld/) with those copies and run C(firewall-cmd --reload).
author:
  - Zerto MSP billing maintainers (@zerto-msp)
extends_documentation_fragment:
  - zerto_msp.billing.attributes
  - zerto_msp.billing.attributes.PLATFORM_LINUX
  - zerto_msp.billing.egress
attributes:
  check_mode:
    support: full
    details: Returns the same entries and what would be removed; writes no backup and changes nothing.
  diff_mode:
    support: full
options:
  destinations:
    description: IPv4/IPv6 addresses and CIDRs that count as legacy (names go in O(resolve)).
    type: list
    elements: str
    default: []
  resolve:
    description:
      - Host names (or V(https://host) URLs without a path) resolved on the managed host, with its own
        resolver (all A and AAAA records), when the module runs; their addresses count as legacy too.
      - A name that does not resolve is not an error, since a retired name often no longer does. It is
        listed in RV(unresolved) with a warning, and only O(destinations) are then searched for it.
    type: list
    elements: str
    default: []
    version_added: 0.1.0
  protect:
    description:
      - Addresses and CIDRs that must stay reachable, typically what the new endpoint resolves to.
      - If a legacy destination (given or resolved) overlaps one of them, the module fails before it
        reads or changes anything, since removing that entry would cut the protected endpoint too (a
        CDN serving both names, say).
    type: list
    elements: str
    default: []
    version_added: 0.1.0
  hostnames:
    description:
      - Names whose pins in O(hosts_path) count as legacy entries.
      - With O(backend=squid), also the names searched for in C(dstdomain) ACLs (inline C(acl) lines
        and the value files they reference, in O(squid_conf_path) and every file it includes).
    type: list
    elements: str
    default: []
  hosts_path:
    description: Hosts file to search for pins of O(hostnames).
    type: path
    default: /etc/hosts
  remove:
    description:
      - V(false) only finds and reports.
      - V(true) backs up, then removes V(remove) entries and narrows V(narrow) ones.
    type: bool
    default: false
  backup_dir:
    description: Directory under which each removal saves its prior state in a timestamped folder.
    type: path
    default: /var/backups/zerto_msp_billing
  backend:
    description:
      - V(auto) searches every firewall that holds rules on the host (native nftables,
        iptables-legacy, iptables-nft), not only one, and ufw's user rules when ufw is active.
        Rules in ufw's own iptables chains are searched only through ufw (ufw would put them back).
notes:
  - There is no C(filter_forward) option here; every chain is searched.
seealso:
  - module: zerto_msp.billing.egress_rule
"""

EXAMPLES = r"""
- name: Find legacy billing entries (report only)
  zerto_msp.billing.egress_entries:
    destinations: "{{ legacy_addresses }}"
    hostnames: [autologs.zerto.com]
  register: legacy

- name: Remove them, keeping a backup
  zerto_msp.billing.egress_entries:
    destinations: "{{ legacy_addresses }}"
    hostnames: [autologs.zerto.com]
    remove: true
    backup_dir: /var/backups/zerto_msp_billing

- name: Remove what the legacy name resolves to on the host, never what the new one uses
  zerto_msp.billing.egress_entries:
    resolve: ["{{ zerto_billing_legacy_url }}"]
    destinations: "{{ zerto_billing_legacy_cidrs }}"
    hostnames: ["{{ zerto_billing_legacy_url | urlsplit('hostname') }}"]
    protect: "{{ new_endpoint_addresses }}"
    remove: true
"""

RETURN = r"""
entries:
  description: Every entry found, with its action.
  returned: always
  type: list
  elements: dict
  contains:
    backend:
      description: C(nftables), C(iptables) (with RV(backends) telling the variant) or C(hosts).
      type: str
    kind:
      description: C(rule), C(set) or C(hosts_line).
      type: str
    location:
      description: Where it is (family/table/chain/handle, set name, tool/chain/rule, path/line).
      type: dict
    text:
      description: The entry as the firewall shows it.
      type: str
    matched:
      description: The given destinations (or names) it covers.
      type: list
      elements: str
    others:
      description: Other destinations (or names) in the same entry.
      type: list
      elements: str
    action:
      description: V(remove), V(narrow) or V(manual_review).
      type: str
    reason:
      description: Why that action.
      type: str
    owned:
      description: Whether the collection made it.
      type: bool
  sample:
    - backend: nftables
      kind: rule
      location: {family: inet, table: admin, chain: output, handle: 6}
      text: table inet admin chain output handle 6 comment "legacy billing allow"
      matched: [198.51.100.90/32]
      others: []
      action: remove
      reason: allows only the given destinations on port 443
      owned: false
removed:
  description: What was removed or narrowed (or would be, in check mode).
  returned: always
  type: list
  elements: str
manual_review:
  description: Entries left alone that need a human.
  returned: always
  type: list
  elements: str
persisted_edits:
  description:
    - Edits of the admin's persisted nftables configuration (made, or planned in check mode), one
      per changed group of lines. RV(persisted_edits[].after) is empty when the lines were deleted.
  returned: when the nftables configuration was searched (nftables in use, O(remove=true), O(persist=true))
  type: list
  elements: dict
  contains:
    file:
      description: The edited file.
      type: str
    line:
      description: Line number of the first changed line, in the file as it was.
      type: int
    before:
      description: The lines as they were.
      type: str
    after:
      description: The lines as they are now.
      type: str
  sample:
    - file: /etc/nftables.conf
      line: 9
      before: "\t\tip daddr 198.51.100.90 tcp dport 443 accept comment \"legacy billing allow\"\n"
      after: ""
backends:
  description: Firewalls searched, as C(name) or C(name/variant).
  returned: always
  type: list
  elements: str
  sample: [nftables, iptables/legacy]
destinations:
  description: The legacy destinations searched for, O(destinations) and the addresses of O(resolve) together.
  returned: always
  type: list
  elements: str
  sample: [198.51.100.90, 198.51.100.91]
resolved:
  description: What each name of O(resolve) resolved to on the host.
  returned: always
  type: dict
  sample: {legacy-billing.example.com: [198.51.100.90, 198.51.100.91]}
unresolved:
  description: Names of O(resolve) that resolved to nothing on the host.
  returned: always
  type: list
  elements: str
  sample: []
backup:
  description: Folder holding the prior state, or null when nothing was removed (or in check mode).
  returned: always
  type: str
  sample: /var/backups/zerto_msp_billing/20260128T101500Z
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.backup import backup_path, write_backup
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.base import BackendError
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.commands import CommandError, ModuleRunner
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.detect import HostFirewall
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.diffing import entries_diff, file_diff
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.files import FileChange, read_text
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.hosts_entries import find_pins, without_pins
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.iptables_save import has_rules
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.locking import LockTimeout, exclusive_lock
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.nft_config_cleanup import plan_persisted_cleanup
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.options import (
    checked_destinations,
    checked_lock_timeout,
    checked_port,
    common_argument_spec,
)
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.registry import build, resolve
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.destinations import (
    DestinationError,
    network_text,
    parse_destinations,
)
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.resolving import (
    ResolveError,
    addresses_of,
    checked_names,
    overlapping,
    with_resolved,
)
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.ufw_detect import ufw_active
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.firewalld_detect import firewalld_running
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.firewalld_entries import without_direct_rule_copies


def firewalls_in_use(runner, params):
    if params["backend"] != "auto":
        name, variant, evidence = resolve(runner, params["backend"], params["iptables_variant"])
        return [(name, variant)]
    host = HostFirewall.read(runner)
    found = []
    if host.nft_ruleset is not None and host.nft_ruleset.native_tables():
        found.append(("nftables", None))
    for variant in ("legacy", "nft"):
        if has_rules(host.iptables_text(variant)):
            found.append(("iptables", variant))
    if ufw_active(runner, host.saves.values())[0]:
        found.append(("ufw", None))
    if firewalld_running(runner, host.nft_ruleset)[0]:
        found.append(("firewalld", None))
    return found


def persist_paths(backend):
    paths = []
    for attribute in ("persist_path", "main_config"):
        if getattr(backend, attribute, None):
            paths.append(getattr(backend, attribute))
    paths.extend(sorted(getattr(backend, "persist_paths", {}).values()))
    return paths


def label(name, variant):
    return "%s/%s" % (name, variant) if variant else name


def run(module, runner, networks, port):
    params = module.params
    searched, found = [], []
    for name, variant in firewalls_in_use(runner, params):
        backend = build(name, variant, runner, params)
        state = backend.read_state()
        searchable = networks or (params["hostnames"] and getattr(backend, "finds_hostnames", False))
        entries = backend.find_entries(state, networks, port, params["protocol"]) if searchable else []
        searched.append((label(name, variant), backend, state, entries))
        found.extend(entries)
    searched, found = without_direct_rule_copies(searched, found)
    hosts_text = read_text(params["hosts_path"]) if params["hostnames"] else None
    pins = find_pins(hosts_text, params["hostnames"], params["hosts_path"]) if hosts_text else []
    found.extend(pins)

    actionable = [e for e in found if e.action in ("remove", "narrow")]
    removed = ["%s: %s %s" % (e.action, e.text.strip(), e.matched) for e in actionable]
    result = dict(changed=False, backup=None, diff=[], removed=removed if params["remove"] else [])
    config_plan = None
    nft_searched = [(backend, entries) for title, backend, state, entries in searched if backend.name == "nftables"]
    if params["remove"] and params["persist"] and nft_searched and networks:
        config_plan = plan_persisted_cleanup(runner, nft_searched[0][0], nft_searched[0][1], networks, port, params["protocol"])
        result.update(persisted_edits=config_plan.edits, manual_review=config_plan.manual_review)
    if not params["remove"] or not actionable:
        return searched, found, result

    plans = []
    for title, backend, state, entries in searched:
        mine = [e for e in entries if e.action in ("remove", "narrow")]
        if mine:
            plans.append((title, backend, backend.plan_removal(state, mine)))
    hosts_change = None
    if any(p.action != "manual_review" for p in pins):
        hosts_change = FileChange(params["hosts_path"], hosts_text, without_pins(hosts_text, pins))
    result["changed"] = True
    result["diff"] = [entries_diff("%s entries for the given destinations" % title, plan.before, [])
                      for title, backend, plan in plans]
    if hosts_change:
        result["diff"].append(file_diff(hosts_change.path, hosts_change.before, hosts_change.after))
    config_changes = config_plan.changes if config_plan else []
    result["diff"].extend(file_diff(change.path, change.before, change.after) for change in config_changes)
    if module.check_mode:
        for title, backend, plan in plans:
            backend.validate(plan)
        return searched, found, result

    snapshots, files = {}, [params["hosts_path"]] if hosts_change else []
    for title, backend, plan in plans:
        for name, text in backend.snapshot().items():
            snapshots["%s/%s" % (title.replace("/", "-"), name)] = text
        files.extend(persist_paths(backend) if params["persist"] else [])
    files.extend(change.path for change in config_changes)
    files = sorted(set(files))
    folder = backup_path(params["backup_dir"])
    manifest = {"removed": removed, "entries": [e.to_dict() for e in actionable]}
    write_backup(folder, snapshots, files, manifest)
    result["backup"] = folder
    for title, backend, plan in plans:
        backend.apply(plan)
        if backend.name == "nftables":
            for change in config_changes:
                change.write()
        if params["persist"]:
            for change in backend.persist_removal(plan, False):
                result["diff"].append(file_diff(change.path, change.before, change.after))
    if hosts_change:
        hosts_change.write()
    return searched, found, result


def resolved_names(module):
    """({name: addresses}, [unresolved names]) for the resolve option; a malformed entry fails."""
    try:
        names = checked_names(module.params["resolve"])
    except ResolveError as exc:
        module.fail_json(msg="resolve: entry %r %s" % (exc.entry, exc.reason), entry=exc.entry)
    resolved, unresolved = {}, []
    for name in names:
        try:
            resolved[name] = addresses_of(name)
        except ResolveError as exc:
            unresolved.append(name)
            module.warn("resolve: %s %s, so entries for its old addresses are found only if destinations "
                        "lists them" % (name, exc.reason))
    return resolved, unresolved


def refuse_protected(module, networks, resolved):
    """Fail before anything is read if a legacy destination is also a protected one."""
    try:
        protected = parse_destinations(module.params["protect"])
    except DestinationError as exc:
        module.fail_json(msg="protect: entry %r %s" % (exc.entry, exc.reason), entry=exc.entry)
    clashes = overlapping(networks, protected)
    if clashes:
        sources = dict((address, name) for name in resolved for address in resolved[name])
        legacy = [described(network, sources) for network, unused in clashes]
        kept = sorted(set(network_text(other) for unused, other in clashes))
        module.fail_json(msg="protect: legacy destinations %s are also protected (%s): removing their entries "
                             "would cut the protected endpoint too. Nothing was changed. List the legacy "
                             "destinations in destinations and resolve only a name that does not share them."
                             % (", ".join(legacy), ", ".join(kept)))


def described(network, sources):
    text = network_text(network)
    return "%s (from %s)" % (text, sources[text]) if text in sources else text


def main():
    argument_spec = common_argument_spec()
    argument_spec.pop("filter_forward")
    argument_spec.update(
        resolve=dict(type="list", elements="str", default=[]),
        protect=dict(type="list", elements="str", default=[]),
        hostnames=dict(type="list", elements="str", default=[]),
        hosts_path=dict(type="path", default="/etc/hosts"),
        remove=dict(type="bool", default=False),
        backup_dir=dict(type="path", default="/var/backups/zerto_msp_billing"),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    port = checked_port(module)
    checked_lock_timeout(module)
    networks = checked_destinations(module)
    if not networks and not module.params["hostnames"] and not module.params["resolve"]:
        module.fail_json(msg="destinations: give at least one address/CIDR (or names in resolve or hostnames) "
                             "to look for")
    resolved, unresolved = resolved_names(module)
    networks = with_resolved(networks, resolved)
    refuse_protected(module, networks, resolved)
    runner = ModuleRunner(module)
    try:
        with exclusive_lock(module.params["lock_path"], module.params["lock_timeout"]):
            searched, found, result = run(module, runner, networks, port)
    except (BackendError, LockTimeout) as exc:
        module.fail_json(msg=str(exc))
    except CommandError as exc:
        module.fail_json(msg=str(exc), cmd=exc.argv, rc=exc.rc, stdout=exc.stdout, stderr=exc.stderr)
    result.update(
        entries=[e.to_dict() for e in found],
        manual_review=["%s: %s (%s)" % (e.backend, e.text.strip(), e.reason) for e in found if e.action == "manual_review"]
        + result.get("manual_review", []),
        backends=[title for title, backend, state, entries in searched],
        destinations=[network_text(n) for n in networks],
        resolved=resolved,
        unresolved=unresolved,
    )
    module.exit_json(**result)


if __name__ == "__main__":
    main()
