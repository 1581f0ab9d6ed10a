# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""backend=auto: which firewall the host really filters egress with, judged by where its rules
live (native nftables tables, iptables-nft's tables, iptables-legacy's tables), not by which
binary `iptables` happens to point at."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.base import BackendError
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.iptables_save import has_rules, parse_save
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.nft_ruleset import parse_ruleset
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.nft_verdicts import chain_blocks, egress_chains
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.ufw_detect import holds_ufw_chains, ufw_active
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.firewalld_detect import firewalld_running, split_firewalld

CHAIN_BY_HOOK = {"output": "OUTPUT", "forward": "FORWARD"}


class Detection(object):
    def __init__(self, backend, variant, evidence):
        self.backend = backend
        self.variant = variant
        self.evidence = list(evidence)

    def to_dict(self):
        return {"backend": self.backend, "variant": self.variant, "evidence": self.evidence}


class HostFirewall(object):
    """What each firewall layer holds on this host, read without changing anything."""

    def __init__(self, nft_ruleset, saves):
        self.nft_ruleset = nft_ruleset
        self.saves = saves

    @classmethod
    def read(cls, runner):
        ruleset = None
        nft = runner.which("nft")
        if nft:
            rc, out, err = runner.run([nft, "-j", "list", "ruleset"], check=False)
            if rc == 0:
                ruleset = parse_ruleset(out, err)
        saves = {}
        for variant in ("nft", "legacy"):
            for tool in ("iptables", "ip6tables"):
                path = runner.which("%s-%s-save" % (tool, variant))
                if path:
                    # Without -t, *-save lists only tables that already exist (it creates none).
                    rc, out, err = runner.run([path], check=False)
                    saves[(variant, tool)] = out if rc == 0 else ""
        return cls(ruleset, saves)

    def native_blocking(self, hooks):
        found = []
        for table in self.nft_ruleset.native_tables() if self.nft_ruleset else []:
            for chain in egress_chains(table, hooks):
                if chain_blocks(table, chain):
                    found.append("%s %s/%s" % (table.family, table.name, chain.name))
        return found

    def iptables_text(self, variant):
        return "".join(self.saves.get((variant, tool), "") for tool in ("iptables", "ip6tables"))

    def iptables_blocking(self, variant, hooks):
        found = []
        for tool in ("iptables", "ip6tables"):
            table = parse_save(self.saves.get((variant, tool), "")).get("filter")
            if table is None:
                continue
            for hook in hooks:
                if table.chain_blocks(CHAIN_BY_HOOK[hook]):
                    found.append("%s-%s filter/%s" % (tool, variant, CHAIN_BY_HOOK[hook]))
        return found


def iptables_variant(runner, host=None):
    """(variant, evidence): legacy if iptables-legacy holds rules, nft if iptables-nft does,
    else what the unsuffixed `iptables -V` says, else nft."""
    host = host or HostFirewall.read(runner)
    if has_rules(host.iptables_text("legacy")):
        return "legacy", ["iptables-legacy-save shows rules"]
    if has_rules(host.iptables_text("nft")):
        return "nft", ["iptables-nft-save shows rules"]
    binary = runner.which("iptables")
    if binary:
        rc, out, err = runner.run([binary, "-V"], check=False)
        if "legacy" in out:
            return "legacy", ["no iptables rules yet; `iptables -V` says legacy"]
        if "nf_tables" in out:
            return "nft", ["no iptables rules yet; `iptables -V` says nf_tables"]
        return "legacy", ["no iptables rules yet; `iptables -V` predates the nft variant"]
    return "nft", ["no iptables rules and no unsuffixed iptables binary"]


def detect(runner, hooks=("output",)):
    host = HostFirewall.read(runner)
    candidates = []
    evidence = []
    native = host.native_blocking(hooks)
    firewalld_on, firewalld_why = firewalld_running(runner, host.nft_ruleset)
    native, firewalld_chains = split_firewalld(native) if firewalld_on else (native, [])
    if firewalld_chains:
        # firewalld rebuilds its table from its own configuration: rules must go through firewalld.
        candidates.append(("firewalld", None))
        evidence.append("firewalld is running and its chains can drop egress: %s" % ", ".join(firewalld_chains))
    if native:
        candidates.append(("nftables", None))
        evidence.append("nftables base chains that can drop egress: %s" % ", ".join(native))
    ufw_on, ufw_why = ufw_active(runner, host.saves.values())
    for variant in ("legacy", "nft"):
        blocking = host.iptables_blocking(variant, hooks)
        if blocking and ufw_on and holds_ufw_chains(host.iptables_text(variant)):
            # ufw rewrites these chains from its own files: rules must go through ufw to last.
            candidates.append(("ufw", None))
            evidence.append("ufw is active and manages the iptables-%s chains that can drop egress: %s"
                            % (variant, ", ".join(blocking)))
        elif blocking:
            candidates.append(("iptables", variant))
            evidence.append("iptables-%s chains that can drop egress: %s" % (variant, ", ".join(blocking)))
    if len(candidates) > 1:
        raise BackendError(
            "backend=auto found more than one firewall that can drop egress on this host (%s); "
            "set backend explicitly and run once per firewall" % "; ".join(evidence)
        )
    if candidates:
        backend, variant = candidates[0]
        return Detection(backend, variant, evidence)
    if ufw_on:
        return Detection("ufw", None, ["nothing drops egress yet; ufw is active"] + ufw_why)
    if firewalld_on:
        return Detection("firewalld", None, ["nothing drops egress yet; firewalld is running"] + firewalld_why)
    if host.nft_ruleset and host.nft_ruleset.native_tables():
        return Detection("nftables", None, ["nothing drops egress yet; native nftables tables exist"])
    if has_rules(host.iptables_text("legacy")):
        return Detection("iptables", "legacy", ["nothing drops egress yet; iptables-legacy holds rules"])
    if has_rules(host.iptables_text("nft")):
        return Detection("iptables", "nft", ["nothing drops egress yet; iptables-nft holds rules"])
    if runner.which("nft"):
        return Detection("nftables", None, ["no firewall rules at all; nft is installed"])
    variant, why = iptables_variant(runner, host)
    return Detection("iptables", variant, ["no firewall rules at all; nft is not installed"] + why)
