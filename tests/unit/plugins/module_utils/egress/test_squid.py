# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import sys

import pytest

from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.base import BackendError, EgressSpec
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.squid import SquidBackend
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.squid_acl_file import owned_entries, render
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.squid_conf import (
    INCLUDE_MARKER,
    with_include,
    without_include,
)
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.squid_config import SquidConfig
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.squid_entries import find_entries, removal_changes
from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.squid_hostnames import HostnameError, parse_hostnames

ACL = "/etc/squid/conf.d/zerto_billing.acl"
CONF = (
    "acl CONNECT method CONNECT\n"
    "http_access allow localhost\n"
    "http_access deny CONNECT !SSL_ports\n"
    "http_access deny all\n"
)


def test_include_goes_just_before_the_first_deny_and_is_idempotent():
    text = with_include(CONF, ACL)
    lines = text.splitlines()
    assert lines[2:4] == [INCLUDE_MARKER, "include %s" % ACL]
    assert lines[4] == "http_access deny CONNECT !SSL_ports"
    assert with_include(text, ACL) == text
    assert without_include(text, ACL) == CONF


def test_include_moves_ahead_of_a_deny_added_above_it():
    text = with_include(CONF, ACL)
    moved = "http_access deny to_localhost\n" + text
    assert with_include(moved, ACL).splitlines()[:2] == [INCLUDE_MARKER, "include %s" % ACL]


def test_include_without_any_http_access_is_appended():
    assert with_include("http_port 3128", ACL) == "http_port 3128\n%s\ninclude %s\n" % (INCLUDE_MARKER, ACL)


def test_render_owned_file():
    text = render(["billing.example.com"], [ipaddress.ip_network("198.51.100.64/26")], 443)
    assert text.startswith("# zerto_msp.billing egress")
    assert owned_entries(text) == [
        "acl zerto_billing_connect method CONNECT",
        "acl zerto_billing_port port 443",
        "acl zerto_billing_egress dstdomain billing.example.com",
        "acl zerto_billing_egress_dst dst 198.51.100.64/26",
        "http_access allow zerto_billing_connect zerto_billing_port zerto_billing_egress",
        "http_access allow zerto_billing_connect zerto_billing_port zerto_billing_egress_dst",
    ]


@pytest.mark.parametrize("entries, words", [
    (["https://billing.example.com/api/v1"], "URL path (/api/v1)"),
    (["billing.example.com/usage"], "URL path (/usage)"),
    ([".example.com", "billing.example.com"], "overlaps '.example.com'"),
    (["example.com", ".example.com"], "overlaps '.example.com'"),
    (["198.51.100.70"], "IP address"),
    (["billing.example.com:443"], "port"),
    (["bad_name.example.com"], "not a valid host name"),
])
def test_bad_hostnames_are_refused(entries, words):
    with pytest.raises(HostnameError) as info:
        parse_hostnames(entries)
    assert words in str(info.value)


def test_hostnames_are_normalised():
    assert parse_hostnames(["https://Billing.Example.com/", "billing.example.com.", ".Zerto.com"]) == [
        ".zerto.com", "billing.example.com"]


def test_legacy_entries_are_found_and_removed_narrowly(tmp_path):
    values = tmp_path / "legacy.domains"
    values.write_text("# hand-written\nkeep.example.org\nautologs.zerto.com\n\n.zerto.com\n")
    conf = tmp_path / "squid.conf"
    conf.write_text(
        "acl legacy dstdomain \"%s\"\n"
        "acl admin dstdomain other.example.net autologs.zerto.com\n"
        "acl alone dstdomain .autologs.zerto.com\n"
        "acl ips dst 198.51.100.90 198.51.100.0/24 198.51.100.5\n"
        "http_access allow legacy\n" % values
    )
    config = SquidConfig.read(str(conf))
    entries = find_entries(config, ["autologs.zerto.com"], [ipaddress.ip_network("198.51.100.90/32")], ACL)
    summary = [(e.kind, e.location["line"], e.action, e.matched) for e in entries]
    assert summary == [
        ("acl_file_line", 3, "remove", ["autologs.zerto.com"]),
        ("acl_file_line", 5, "manual_review", []),
        ("acl_line", 2, "narrow", ["autologs.zerto.com"]),
        ("acl_line", 3, "manual_review", [".autologs.zerto.com"]),
        ("acl_line", 4, "manual_review", ["198.51.100.90"]),
    ]
    changes = dict((c.path, c.after) for c in removal_changes(config, entries))
    assert changes[str(values)] == "# hand-written\nkeep.example.org\n\n.zerto.com\n"
    assert changes[str(conf)].splitlines()[1] == "acl admin dstdomain other.example.net"
    assert changes[str(conf)].splitlines()[2:] == conf.read_text().splitlines()[2:]


class FakeRunner(object):
    """Answers `squid -k parse` with `parse_rc` and records every command."""

    def __init__(self, parse_rc=0):
        self.parse_rc = parse_rc
        self.calls = []

    def which(self, name):
        return sys.executable

    def run(self, argv, data=None, check=True):
        self.calls.append(argv[1:3])
        if argv[1:3] == ["-k", "parse"]:
            return self.parse_rc, "", "" if self.parse_rc == 0 else "FATAL: Bungled squid.conf line 3"
        return 0, "", ""


def squid_setup(tmp_path, parse_rc=0):
    conf = tmp_path / "squid.conf"
    conf.write_text(CONF)
    runner = FakeRunner(parse_rc)
    backend = SquidBackend(runner, str(conf), str(tmp_path / "zerto_billing.acl"), "squid", ["https://billing.example.com"])
    return conf, runner, backend


def test_backend_allow_then_revoke_restores_squid_conf(tmp_path):
    conf, runner, backend = squid_setup(tmp_path)
    plan = backend.plan_allow(backend.read_state(), EgressSpec([], 443))
    assert plan.changed and "acl zerto_billing_egress dstdomain billing.example.com" in plan.added
    backend.apply(plan)
    assert runner.calls == [["-k", "parse"], ["-k", "reconfigure"]]
    assert not backend.plan_allow(backend.read_state(), EgressSpec([], 443)).changed
    backend.apply(backend.plan_revoke(backend.read_state()))
    assert conf.read_text() == CONF and not (tmp_path / "zerto_billing.acl").exists()


def test_backend_rolls_back_when_squid_rejects_the_config(tmp_path):
    conf, runner, backend = squid_setup(tmp_path, parse_rc=1)
    plan = backend.plan_allow(backend.read_state(), EgressSpec([], 443))
    with pytest.raises(BackendError) as info:
        backend.apply(plan)
    assert "squid -k parse rejected" in str(info.value) and "restored" in str(info.value)
    assert runner.calls == [["-k", "parse"]]
    assert conf.read_text() == CONF and not (tmp_path / "zerto_billing.acl").exists()


def test_backend_bad_hostname_is_a_backend_error(tmp_path):
    with pytest.raises(BackendError) as info:
        SquidBackend(FakeRunner(), str(tmp_path / "squid.conf"), str(tmp_path / "z.acl"), "squid", ["x.example.com/path"])
    assert str(info.value).startswith("hostnames: ")
