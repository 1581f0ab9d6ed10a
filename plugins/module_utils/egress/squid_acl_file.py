# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's own Squid ACL file: what it holds and how to read its entries back."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.destinations import network_text

HEADER = "# zerto_msp.billing egress: managed by Ansible (zerto_msp.billing.egress_rule); edits here are overwritten\n"
DOMAIN_ACL = "zerto_billing_egress"
ADDRESS_ACL = "zerto_billing_egress_dst"
CONNECT_ACL = "zerto_billing_connect"
PORT_ACL = "zerto_billing_port"


def render(hostnames, networks, port):
    """One value per `acl` line, then one `http_access allow` per destination ACL in use."""
    lines = [HEADER, "acl %s method CONNECT\n" % CONNECT_ACL, "acl %s port %d\n" % (PORT_ACL, port)]
    lines.extend("acl %s dstdomain %s\n" % (DOMAIN_ACL, name) for name in hostnames)
    lines.extend("acl %s dst %s\n" % (ADDRESS_ACL, network_text(n)) for n in networks)
    for acl, used in ((DOMAIN_ACL, hostnames), (ADDRESS_ACL, networks)):
        if used:
            lines.append("http_access allow %s %s %s\n" % (CONNECT_ACL, PORT_ACL, acl))
    return "".join(lines)


def owned_entries(text):
    """The file's directives as shown in results and --diff (the header is not an entry)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip() and not line.startswith("#")]
