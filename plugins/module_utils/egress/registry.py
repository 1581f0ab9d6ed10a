# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Choosing and building a backend from module options; later backends register here."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.detect import detect, iptables_variant
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.firewalld import FirewalldBackend
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.iptables import IptablesBackend
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.nftables import NftablesBackend
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.ufw import UfwBackend
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.squid import SquidBackend

BACKEND_CHOICES = ("auto", "nftables", "iptables", "ufw", "firewalld", "squid")
IPTABLES_VARIANT_CHOICES = ("auto", "nft", "legacy")


def resolve(runner, backend, variant="auto", hooks=("output",)):
    """(backend name, iptables variant or None, detection evidence)."""
    if backend == "auto":
        found = detect(runner, hooks)
        backend, variant, evidence = found.backend, found.variant, found.evidence
        if backend == "iptables" and not variant:
            variant, more = iptables_variant(runner)
            evidence = evidence + more
        return backend, variant, evidence
    if backend == "iptables":
        if variant in (None, "auto"):
            variant, evidence = iptables_variant(runner)
            return backend, variant, evidence
        return backend, variant, ["iptables variant %s chosen explicitly" % variant]
    return backend, None, ["backend %s chosen explicitly" % backend]


def build(name, variant, runner, params):
    if name == "nftables":
        return NftablesBackend(runner, params["nftables_persist_path"], params["nftables_main_config"])
    if name == "iptables":
        paths = {4: params["iptables_persist_path_v4"], 6: params["iptables_persist_path_v6"]}
        return IptablesBackend(runner, variant, paths, params["lock_timeout"])
    if name == "squid":
        return SquidBackend(runner, params["squid_conf_path"], params["squid_acl_path"], params["squid_binary"],
                            params.get("hostnames") or [])
    if name == "firewalld":
        return FirewalldBackend(runner)
    if name == "ufw":
        return UfwBackend(runner)
    raise ValueError("backend: unknown backend %r" % name)
