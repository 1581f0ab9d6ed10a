# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The marks that tell the collection's own firewall entries apart from everyone else's."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

OWNER_COMMENT = "zerto_msp.billing egress"

SET_NAME_BY_VERSION = {4: "zerto_billing_v4", 6: "zerto_billing_v6"}
NFT_SET_TYPE_BY_VERSION = {4: "ipv4_addr", 6: "ipv6_addr"}
NFT_DADDR_BY_VERSION = {4: "ip", 6: "ip6"}

# The line written above the include line the collection adds to nftables.conf.
INCLUDE_MARKER = "# zerto_msp.billing egress: allow to Zerto billing endpoints"


def is_owned_set_name(name):
    return name in SET_NAME_BY_VERSION.values()


def is_owned_comment(comment):
    return comment == OWNER_COMMENT
