# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.destinations import parse_destinations
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.nft_persist import (
    add_include,
    drop_include,
    includes_path,
    plan_persist,
    render_persist_file,
)
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.nftables import TableWant

CONF = "#!/usr/sbin/nft -f\nflush ruleset\n\ntable inet admin {\n}\n"
PATH = "/etc/nftables.d/zerto_billing.nft"


def want():
    return TableWant("inet", "admin", {4: parse_destinations(["198.51.100.70"])}, ["output"], "tcp", 443)


def test_persisted_file_declares_what_it_uses_and_inserts_at_the_top():
    body = [line for line in render_persist_file([want()]).splitlines() if not line.startswith("#")]
    assert body == [
        "add table inet admin",
        "add set inet admin zerto_billing_v4 { type ipv4_addr; flags interval; }",
        "flush set inet admin zerto_billing_v4",
        "add element inet admin zerto_billing_v4 { 198.51.100.70 }",
        "add chain inet admin output",
        'insert rule inet admin output ip daddr @zerto_billing_v4 tcp dport 443 counter accept comment "zerto_msp.billing egress"',
    ]


def test_include_is_appended_once_and_removed_exactly():
    added = add_include(CONF, PATH)
    assert added.endswith('include "%s"\n' % PATH)
    assert add_include(added, PATH) == added
    assert drop_include(added, PATH) == CONF


def test_an_existing_glob_include_is_respected():
    conf = CONF + 'include "/etc/nftables.d/*.nft"\n'
    assert includes_path(conf, PATH)
    assert add_include(conf, PATH) == conf


def test_plan_persist_writes_and_removes(tmp_path):
    main = tmp_path / "nftables.conf"
    main.write_text(CONF)
    ours = str(tmp_path / "d" / "zb.nft")
    changes, notes = plan_persist([want()], ours, str(main))
    assert [c.path for c in changes] == [ours, str(main)] and notes == []
    for change in changes:
        change.write()
    assert plan_persist([want()], ours, str(main))[0][0].changed is False
    changes = plan_persist([], ours, str(main))[0]
    for change in changes:
        change.write()
    assert main.read_text() == CONF and not (tmp_path / "d" / "zb.nft").exists()


def test_missing_main_config_is_reported(tmp_path):
    changes, notes = plan_persist([want()], str(tmp_path / "zb.nft"), str(tmp_path / "missing.conf"))
    assert len(changes) == 1 and "nothing loads it at boot" in notes[0]
