# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Is ufw managing this host's firewall? ufw itself calls it active when its ufw-user-* chains
are loaded; `ufw status` is asked only when such chains show up in iptables-save output."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

UFW_CHAIN_MARKS = (":ufw-user-input ", ":ufw-user-output ", ":ufw6-user-input ", ":ufw6-user-output ")


def holds_ufw_chains(save_text):
    return any(mark in (save_text or "") for mark in UFW_CHAIN_MARKS)


def ufw_active(runner, save_texts):
    """(active, evidence) from the iptables-save outputs already read and `ufw status`."""
    if not any(holds_ufw_chains(text) for text in save_texts):
        return False, []
    binary = runner.which("ufw")
    if not binary:
        return False, ["ufw chains are loaded but the ufw command is not installed"]
    rc, out, err = runner.run([binary, "status"], check=False)
    if rc == 0 and "Status: active" in out:
        return True, ["`ufw status` says active"]
    return False, ["ufw chains are loaded but `ufw status` does not say active"]
