# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Is firewalld managing this host's firewall? Asked (`firewall-cmd --state`) only when its
nftables table (`firewalld`, FirewallBackend=nftables) is loaded."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

FIREWALLD_TABLE = "firewalld"


def firewalld_running(runner, nft_ruleset):
    """(running, evidence)."""
    if nft_ruleset is None or not any(t.name == FIREWALLD_TABLE for t in nft_ruleset.tables):
        return False, []
    binary = runner.which("firewall-cmd")
    if not binary:
        return False, ["a firewalld table is loaded but firewall-cmd is not installed"]
    rc, out, err = runner.run([binary, "--state"], check=False)
    if rc == 0 and out.strip() == "running":
        return True, ["`firewall-cmd --state` says running"]
    return False, ["a firewalld table is loaded but `firewall-cmd --state` does not say running"]


def split_firewalld(chains):
    """Blocking chains as native_blocking() names them ("inet firewalld/filter_OUTPUT") ->
    (the others, firewalld's)."""
    theirs = [c for c in chains if c.split(" ", 1)[-1].startswith(FIREWALLD_TABLE + "/")]
    return [c for c in chains if c not in theirs], theirs
