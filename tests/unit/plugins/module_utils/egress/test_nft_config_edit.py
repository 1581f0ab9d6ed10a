# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Editing the admin's persisted nftables configuration after a live removal."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import shutil

import pytest

from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.base import BackendError, Entry
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.destinations import parse_destinations
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.nft_config import read_config
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.nft_config_cleanup import plan_persisted_cleanup
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.nft_config_edit import plan_config_edit

HERE = os.path.dirname(os.path.abspath(__file__))
TARGETS = parse_destinations(["198.51.100.90", "198.51.100.94", "198.51.100.95"])


class LiveAllow(object):
    def __init__(self, daddr, ports=(443,)):
        self.daddr, self.ports = daddr, list(ports)


def live_rule(family, table, chain, daddr, action="remove"):
    location = {"family": family, "table": table, "chain": chain, "handle": 1}
    return Entry("nftables", "rule", location, "rule", [daddr], [], action, "", ref=LiveAllow(daddr))


def live_set(family, table, name, matched, action="narrow"):
    location = {"family": family, "table": table, "set": name}
    return Entry("nftables", "set", location, "set", matched, [], action, "")


LIVE = [
    live_rule("inet", "admin", "output", "198.51.100.90"),
    live_set("inet", "admin", "legacy_mix", ["198.51.100.90"]),
    live_set("inet", "admin", "billing_multi", ["198.51.100.90"]),
    live_rule("ip", "extra", "out", "198.51.100.94"),
    live_rule("ip", "extra", "out", "198.51.100.95"),
]


@pytest.fixture
def tree(tmp_path):
    root = str(tmp_path / "etc")
    shutil.copytree(os.path.join(HERE, "fixtures", "nft_config"), root)
    return root


def planned(tree, live=None):
    configs = read_config(os.path.join(tree, "main.conf"))
    return configs, plan_config_edit(configs, LIVE if live is None else live, TARGETS, 443)


def test_include_glob_is_followed_relative_to_the_including_file(tree):
    configs = read_config(os.path.join(tree, "main.conf"))
    assert [c.path for c in configs] == [os.path.join(tree, "main.conf"), os.path.join(tree, "include.d", "10-extra.nft")]


def test_rules_and_set_elements_are_edited_and_the_rest_is_byte_identical(tree):
    configs, plan = planned(tree)
    main = dict((c.path, c) for c in plan.changes)[os.path.join(tree, "main.conf")]
    before, after = main.before.splitlines(True), main.after.splitlines(True)
    gone = [line for line in before if line not in after]
    assert gone == [
        "\t\telements = { 198.51.100.90, 198.51.100.96/29 }\n",
        "\t\t\t198.51.100.90,\n",
        '\t\tip  daddr   198.51.100.90 tcp dport 443 counter accept comment "legacy billing allow (hand-made)"\n',
    ]
    assert [line for line in after if line not in before] == ["\t\telements = { 198.51.100.96/29 }\n"]
    assert '\t\tip daddr 198.51.100.90 tcp dport 8443 accept comment "unrelated, other port"\n' in after
    assert "\t\t\t198.51.100.91,\n" in after and "\t\t\t198.51.100.92,\n" in after
    assert [e["line"] for e in plan.edits if e["file"] == main.path] == [9, 16, 24]
    assert plan.edits[0]["after"] == "\t\telements = { 198.51.100.96/29 }\n" and plan.edits[2]["after"] == ""


def test_included_file_rule_with_service_name_and_trailing_comment_is_deleted(tree):
    configs, plan = planned(tree)
    extra = dict((c.path, c) for c in plan.changes)[os.path.join(tree, "include.d", "10-extra.nft")]
    assert [line for line in extra.before.splitlines() if line not in extra.after.splitlines()] == [
        "\t\tip daddr 198.51.100.94 tcp dport https accept # legacy, included file",
    ]


def test_ambiguous_and_unremoved_lines_go_to_manual_review_and_other_ports_are_not_flagged(tree):
    configs, plan = planned(tree)
    review = "\n".join(plan.manual_review)
    assert "10-extra.nft:6: ip daddr 198.51.100.95 tcp dport 443 accept (2 such lines" in review
    assert "10-extra.nft:7: ip daddr 198.51.100.95 tcp dport 443 counter accept (2 such lines" in review
    assert "main.conf:26: ip daddr { 198.51.100.90, 198.51.100.93 } tcp dport 443 accept (no live rule removed" in review
    assert "8443" not in review
    assert len(plan.manual_review) == 3
    extra = dict((c.path, c) for c in plan.changes)[os.path.join(tree, "include.d", "10-extra.nft")]
    assert extra.after.count("198.51.100.95") == 2


def test_nothing_removed_live_edits_nothing(tree):
    configs, plan = planned(tree, live=[])
    assert plan.changes == [] and plan.edits == []
    assert "8443" not in "\n".join(plan.manual_review)


def test_set_removed_live_goes_as_a_block_with_its_rule(tmp_path):
    path = str(tmp_path / "nftables.conf")
    text = ("table inet admin {\n\tset only_legacy {\n\t\ttype ipv4_addr\n\t\telements = { 198.51.100.90 }\n\t}\n"
            "\tchain output {\n\t\ttype filter hook output priority 0; policy drop;\n"
            "\t\tip daddr @only_legacy tcp dport 443 accept\n\t}\n}\n")
    with open(path, "w") as handle:
        handle.write(text)
    live = [live_rule("inet", "admin", "output", "@only_legacy"), live_set("inet", "admin", "only_legacy", ["198.51.100.90"], "remove")]
    plan = plan_config_edit(read_config(path), live, TARGETS, 443)
    assert plan.changes[0].after == "table inet admin {\n\tchain output {\n\t\ttype filter hook output priority 0; policy drop;\n\t}\n}\n"
    assert plan.manual_review == []


def test_inline_elements_keep_their_separators(tmp_path):
    path = str(tmp_path / "nftables.conf")
    with open(path, "w") as handle:
        handle.write("table ip t {\n\tset s { type ipv4_addr; elements = { 198.51.100.1, 198.51.100.90,198.51.100.2 } }\n"
                     "\tchain c {\n\t\tip daddr @s tcp dport 443 accept\n\t}\n}\n")
    plan = plan_config_edit(read_config(path), [live_set("ip", "t", "s", ["198.51.100.90"])], TARGETS, 443)
    assert "elements = { 198.51.100.1, 198.51.100.2 } }" in plan.changes[0].after


class FakeRunner(object):
    def __init__(self, results):
        self.results, self.calls = list(results), []

    def run(self, argv, check=True):
        self.calls.append((argv, open(argv[-1]).read()))
        return self.results.pop(0)


class FakeBackend(object):
    nft = "/usr/sbin/nft"

    def __init__(self, main, own):
        self.main_config, self.persist_path = main, own


def test_the_edit_is_checked_on_mirrored_copies(tree):
    runner = FakeRunner([(0, "", "")])
    plan = plan_persisted_cleanup(runner, FakeBackend(os.path.join(tree, "main.conf"), "/nonexistent.nft"), LIVE, TARGETS, 443)
    argv, checked = runner.calls[0]
    assert argv[:3] == ["/usr/sbin/nft", "-c", "-f"] and argv[3].endswith(os.path.join(tree, "main.conf"))
    assert argv[3] != os.path.join(tree, "main.conf")
    assert 'include "%s"' % os.path.join(os.path.dirname(argv[3]), "include.d", "*.nft") in checked
    assert "198.51.100.96/29 }" in checked and plan.edits
    with open(os.path.join(tree, "main.conf")) as handle:
        assert "198.51.100.90, 198.51.100.96/29" in handle.read()


def test_an_edit_that_breaks_the_check_fails_and_a_broken_config_is_only_reported(tree):
    backend = FakeBackend(os.path.join(tree, "main.conf"), "/nonexistent.nft")
    with pytest.raises(BackendError, match="nothing was changed"):
        plan_persisted_cleanup(FakeRunner([(1, "", "Error: x"), (0, "", "")]), backend, LIVE, TARGETS, 443)
    plan = plan_persisted_cleanup(FakeRunner([(1, "", "Error: x"), (1, "", "Error: x")]), backend, LIVE, TARGETS, 443)
    assert plan.changes == [] and plan.edits == []
    assert any("fails `nft -c` already" in line for line in plan.manual_review)


def test_the_collections_own_file_is_not_edited(tree):
    own = os.path.join(tree, "include.d", "10-extra.nft")
    plan = plan_persisted_cleanup(FakeRunner([(0, "", "")]), FakeBackend(os.path.join(tree, "main.conf"), own), LIVE, TARGETS, 443)
    assert own not in [c.path for c in plan.changes]


def test_a_trailing_semicolon_still_counts_as_alone_on_its_line(tmp_path):
    path = str(tmp_path / "nftables.conf")
    with open(path, "w") as handle:
        handle.write("table ip t {\n\tchain c {\n\t\tip daddr 198.51.100.90 tcp dport 443 accept;\n"
                     "\t\tip daddr 198.51.100.94 tcp dport 443 accept; ip daddr 198.51.100.1 accept\n\t}\n}\n")
    live = [live_rule("ip", "t", "c", "198.51.100.90"), live_rule("ip", "t", "c", "198.51.100.94")]
    plan = plan_config_edit(read_config(path), live, TARGETS, 443)
    assert "198.51.100.90" not in plan.changes[0].after
    assert plan.manual_review == ["nftables config %s:4: ip daddr 198.51.100.94 tcp dport 443 accept "
                                  "(shares its line with other statements)" % path]
