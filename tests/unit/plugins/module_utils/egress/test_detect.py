# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""backend=auto decisions from real captured outputs, replayed by a recording runner."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.base import BackendError
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.detect import detect, iptables_variant

EMPTY_NFT = '{"nftables": [{"metainfo": {"version": "1.0.6", "json_schema_version": 1}}]}'


class ReplayRunner(object):
    """Answers each command with captured output; binaries not in `outputs` are absent."""

    def __init__(self, outputs):
        self.outputs = outputs
        self.calls = []

    def which(self, name):
        known = set(cmd[0] for cmd in self.outputs)
        return name if name in known else None

    def run(self, argv, data=None, check=True):
        self.calls.append(list(argv))
        return 0, self.outputs.get(tuple(argv), ""), ""


def host(fixture_text, nft=EMPTY_NFT, legacy4="", nft4="", version="iptables v1.8.9 (nf_tables)"):
    return ReplayRunner({
        ("nft", "-j", "list", "ruleset"): nft,
        ("iptables-legacy-save",): legacy4,
        ("ip6tables-legacy-save",): "",
        ("iptables-nft-save",): nft4,
        ("ip6tables-nft-save",): "",
        ("iptables", "-V"): version,
    })


def test_native_nftables_that_drops(fixture_text):
    found = detect(host(fixture_text, nft=fixture_text("nft_admin.json")))
    assert (found.backend, found.variant) == ("nftables", None)
    assert "inet admin/output" in found.evidence[0]


def test_rules_in_iptables_nft_tables_mean_iptables_nft(fixture_text):
    found = detect(host(fixture_text, nft=fixture_text("nft_xtables.json"), nft4=fixture_text("iptables_nft_save.txt")))
    assert (found.backend, found.variant) == ("iptables", "nft")


def test_rules_in_legacy_tables_mean_legacy_whatever_iptables_points_at(fixture_text):
    found = detect(host(fixture_text, legacy4=fixture_text("iptables_legacy_save.txt")))
    assert (found.backend, found.variant) == ("iptables", "legacy")


def test_two_firewalls_that_drop_need_an_explicit_choice(fixture_text):
    runner = host(fixture_text, nft=fixture_text("nft_admin.json"), legacy4=fixture_text("iptables_legacy_save.txt"))
    with pytest.raises(BackendError) as info:
        detect(runner)
    assert "set backend explicitly" in str(info.value)


def test_empty_host_prefers_nftables_when_installed(fixture_text):
    assert detect(host(fixture_text)).backend == "nftables"


def test_detection_never_creates_legacy_tables(fixture_text):
    runner = host(fixture_text)
    detect(runner)
    assert all("-t" not in call for call in runner.calls)


@pytest.mark.parametrize("version,variant", [
    ("iptables v1.8.9 (legacy)", "legacy"),
    ("iptables v1.8.9 (nf_tables)", "nft"),
    ("iptables v1.6.1", "legacy"),
])
def test_variant_of_a_host_without_rules_follows_iptables_v(fixture_text, version, variant):
    assert iptables_variant(host(fixture_text, version=version))[0] == variant
