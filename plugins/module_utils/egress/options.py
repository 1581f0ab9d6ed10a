# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Argument spec and input checks shared by the egress modules (documented in the
zerto_msp.billing.egress doc fragment)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.destinations import (
    DestinationError,
    parse_destinations,
)
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.iptables import DEFAULT_PERSIST_PATHS
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.locking import DEFAULT_LOCK_PATH
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.nftables import (
    DEFAULT_MAIN_CONFIG,
    DEFAULT_PERSIST_PATH,
)
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.registry import (
    BACKEND_CHOICES,
    IPTABLES_VARIANT_CHOICES,
)
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.squid import (
    DEFAULT_ACL_PATH as SQUID_DEFAULT_ACL_PATH,
    DEFAULT_CONF_PATH as SQUID_DEFAULT_CONF_PATH,
)
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.squid_hostnames import (
    HostnameError,
    parse_hostnames,
)


def common_argument_spec():
    return dict(
        backend=dict(type="str", default="auto", choices=list(BACKEND_CHOICES)),
        iptables_variant=dict(type="str", default="auto", choices=list(IPTABLES_VARIANT_CHOICES)),
        destinations=dict(type="list", elements="str", default=[]),
        port=dict(type="int", default=443),
        protocol=dict(type="str", default="tcp", choices=["tcp", "udp"]),
        filter_forward=dict(type="bool", default=False),
        persist=dict(type="bool", default=True),
        nftables_persist_path=dict(type="path", default=DEFAULT_PERSIST_PATH),
        nftables_main_config=dict(type="path", default=DEFAULT_MAIN_CONFIG),
        iptables_persist_path_v4=dict(type="path", default=DEFAULT_PERSIST_PATHS[4]),
        iptables_persist_path_v6=dict(type="path", default=DEFAULT_PERSIST_PATHS[6]),
        lock_path=dict(type="path", default=DEFAULT_LOCK_PATH),
        lock_timeout=dict(type="int", default=60),
        squid_conf_path=dict(type="path", default=SQUID_DEFAULT_CONF_PATH),
        squid_acl_path=dict(type="path", default=SQUID_DEFAULT_ACL_PATH),
        squid_binary=dict(type="str", default="squid"),
    )


def checked_port(module):
    port = module.params["port"]
    if not 1 <= port <= 65535:
        module.fail_json(msg="port: must be between 1 and 65535, got %s" % port)
    return port


def checked_lock_timeout(module):
    timeout = module.params["lock_timeout"]
    if timeout < 0:
        module.fail_json(msg="lock_timeout: must be 0 or more seconds, got %s" % timeout)
    return timeout


def checked_destinations(module):
    try:
        return parse_destinations(module.params["destinations"])
    except DestinationError as exc:
        hint = " (give host names in resolve)" if exc.reason == "is not an IP address or CIDR" else ""
        module.fail_json(msg="destinations: entry %r %s%s" % (exc.entry, exc.reason, hint), entry=exc.entry)


def checked_hostnames(module, reject_overlaps=True):
    """Host names (or https:// URLs without a path) for Squid dstdomain entries."""
    try:
        return parse_hostnames(module.params["hostnames"], reject_overlaps)
    except HostnameError as exc:
        module.fail_json(msg="hostnames: entry %r %s" % (exc.entry, exc.reason), entry=exc.entry)
