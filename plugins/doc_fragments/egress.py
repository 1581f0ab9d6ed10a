# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """Options shared by the modules that read and change host firewalls (egress_rule, egress_entries)."""

    DOCUMENTATION = r"""
options:
  backend:
    description:
      - Firewall to act on.
      - V(auto) detects what the host really filters with, by where its rules live (native nftables
        tables, tables of iptables-nft, tables of iptables-legacy), not by the name the C(iptables)
        binary points at. If more than one of them can drop the traffic, the module fails and asks
        for an explicit choice (run once per firewall).
      - V(auto) picks V(ufw) when ufw's chains are loaded, C(ufw status) says active, and they are what
        can drop the traffic (ufw sits on iptables and rewrites those chains from its own files, so the
        iptables backend's rules would not last there). On hosts without ufw chains, ufw is not asked.
      - V(ufw) adds one C(ufw allow out proto tcp to <destination> port <port> comment
        'zerto_msp.billing egress') rule per destination, ahead of the first user rule that denies,
        rejects or limits egress (C(ufw insert)), and deletes only rules carrying that comment, each by
        its exact rule (C(ufw delete allow out ...)), never by a number.
      - V(auto) picks V(firewalld) when firewalld's nftables table is loaded, C(firewall-cmd --state) says
        running, and its chains are what can drop the traffic (firewalld rebuilds that table from its own
        configuration). firewalld with C(FirewallBackend=iptables) is not detected; choose it explicitly.
      - V(firewalld) (0.9 or later) adds a policy C(zerto-billing) from HOST to ANY, with a priority just
        below every other policy that has HOST among its ingress zones, holding one rich rule per IP
        version that accepts O(port) to the ipset C(zerto-billing-v4) / C(zerto-billing-v6) (hash:net)
        of the destinations. Runtime and permanent configuration are changed alike. Creating or deleting
        the policy or an ipset is possible only in the permanent configuration and is followed by
        C(firewall-cmd --reload), which is refused (the module fails, nothing changed) while runtime and
        permanent configuration differ in anything else, since a reload would discard those changes.
      - V(squid) changes the allowlist of a Squid forward proxy the ZVM reaches the internet
        through (see O(squid_conf_path)). V(auto) never picks it; run it on the proxy host.
    type: str
    choices: [auto, nftables, iptables, ufw, firewalld, squid]
    default: auto
  iptables_variant:
    description:
      - Which iptables to use with O(backend=iptables).
      - V(auto) picks the variant that holds rules (iptables-legacy first, then iptables-nft),
        else the one C(iptables -V) reports.
    type: str
    choices: [auto, nft, legacy]
    default: auto
  port:
    description: Destination port (1-65535).
    type: int
    default: 443
  protocol:
    description: Transport protocol.
    type: str
    choices: [tcp, udp]
    default: tcp
  persist:
    description:
      - Also update the persisted firewall configuration so the change survives a reload or reboot.
      - nftables, a file of the collection's own (O(nftables_persist_path)) included at the end of
        O(nftables_main_config).
      - iptables, only the collection's lines in O(iptables_persist_path_v4) and
        O(iptables_persist_path_v6) (netfilter-persistent layout).
      - ufw, nothing to do here, ufw saves its rules itself (C(/etc/ufw/user.rules), C(user6.rules)).
      - firewalld, nothing to do here, the permanent configuration is always changed along with the runtime one.
    type: bool
    default: true
  nftables_persist_path:
    description: File holding the collection's persisted nftables entries.
    type: path
    default: /etc/nftables.d/zerto_billing.nft
  nftables_main_config:
    description:
      - The host's main nftables configuration, to which an include line for
        O(nftables_persist_path) is appended. If it does not exist, nothing is included and the
        module warns.
    type: path
    default: /etc/nftables.conf
  iptables_persist_path_v4:
    description: Saved IPv4 rules (iptables-restore format).
    type: path
    default: /etc/iptables/rules.v4
  iptables_persist_path_v6:
    description: Saved IPv6 rules (ip6tables-restore format).
    type: path
    default: /etc/iptables/rules.v6
  lock_path:
    description:
      - Lock file held (C(flock), exclusive) around reading, planning and applying, so that two
        runs at once on the same host (overlapping AWX jobs) take turns instead of duplicating rules.
    type: path
    default: /run/zerto_msp_billing.lock
  lock_timeout:
    description:
      - Seconds to wait for O(lock_path) and for the xtables lock (C(iptables-restore --wait)).
    type: int
    default: 60
  squid_conf_path:
    description:
      - With O(backend=squid), Squid's main configuration. The module adds two lines to it, a marker
        comment and C(include) of O(squid_acl_path), just before the first C(http_access deny)
        (before the first C(http_access) if none denies, at the end if there is none).
      - Every change is checked with C(squid -k parse -f) before C(squid -k reconfigure -f); if Squid
        rejects it, the previous files are put back and the module fails.
    type: path
    default: /etc/squid/squid.conf
  squid_acl_path:
    description:
      - With O(backend=squid), the ACL file the collection owns (a header comment marks it). It holds
        C(acl zerto_billing_egress dstdomain <host>) per host name, C(acl zerto_billing_egress_dst dst
        <cidr>) per address, C(acl zerto_billing_connect method CONNECT), C(acl zerto_billing_port port
        <port>), and one C(http_access allow zerto_billing_connect zerto_billing_port <acl>) per ACL in use.
      - Not a C(*.conf) name, so that Debian's C(include /etc/squid/conf.d/*.conf) does not load it a
        second time.
    type: path
    default: /etc/squid/conf.d/zerto_billing.acl
  squid_binary:
    description: The C(squid) binary (name on the PATH or absolute path) used for C(-k parse) and C(-k reconfigure).
    type: str
    default: squid
"""
