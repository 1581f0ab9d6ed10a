"""Integration test of zerto_msp.billing.egress_rule against real nft, iptables-nft and
iptables-legacy, each in its own pair of network namespaces: zbr-<key>-h (the managed host,
default-deny egress baseline, hand-made legacy allow, unrelated rule) and zbr-<key>-p (a peer
answering TCP on 198.51.100.70/.90/.100). Nothing is created in the root namespace; persisted
files and the lock live in a temporary directory. Addresses: 198.51.100.64/26 only."""

import fcntl
import functools
import json
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "lab"))

import netns  # noqa: E402
from target_harness import Listeners, check, check_refused, check_two_concurrent_runs, in_ns, link  # noqa: E402
from target_harness import read_files, run_lab, run_playbook, sh, tcp_reachable  # noqa: E402

OWNER = "zerto_msp.billing egress"
OWNED_SETS = ("zerto_billing_v4", "zerto_billing_v6")
NEW, LEGACY, UNRELATED = "198.51.100.70", "198.51.100.90", "198.51.100.100"
DESTINATIONS = [NEW, "198.51.100.80/29", "::ffff:198.51.100.70"]
PEER_ADDRESSES = ["198.51.100.66/26", NEW + "/26", LEGACY + "/26", UNRELATED + "/26"]
HOST_ADDRESS = "198.51.100.65/26"
LISTENERS = Listeners("/tmp/zbr-egress-rule-lab.pids")
# Namespace names and the listeners' pid file are fixed, so two labs at once on one machine would tear
# down each other's namespaces (teardown() at start) mid-run: one lab at a time, the next waits here.
LAB_LOCK = "/run/zbr-egress-rule-lab.lock"

SCENARIOS = [
    # key, kind, expected backend, expected variant, owned rules, owned sets
    ("nft", "nftables", "nftables", None, 3, 3),
    ("ipn", "nft", "iptables", "nft", 3, 0),
    ("ipl", "legacy", "iptables", "legacy", 3, 0),
]


def teardown():
    LISTENERS.stop()
    for key in [row[0] for row in SCENARIOS]:
        netns.delete("zbr-%s-h" % key)
        netns.delete("zbr-%s-p" % key)


class Scenario(object):
    def __init__(self, directory, key, kind, backend, variant, owned_rules, owned_sets):
        self.key, self.kind, self.backend, self.variant = key, kind, backend, variant
        self.owned_rules, self.owned_sets = owned_rules, owned_sets
        self.host, self.peer = "zbr-%s-h" % key, "zbr-%s-p" % key
        self.dir = os.path.join(directory, key)
        os.mkdir(self.dir)

    # --- lab ------------------------------------------------------------------------------
    def setup(self):
        sh("ip", "netns", "add", self.host)
        sh("ip", "netns", "add", self.peer)
        link(self.host, HOST_ADDRESS, self.peer, PEER_ADDRESSES)
        LISTENERS.start(self.peer, 443, 8443)
        self.load_baseline()

    def load_baseline(self):
        if self.kind == "nftables":
            shutil.copy(os.path.join(HERE, "files", "baseline.nft"), self.path("nftables.conf"))
            in_ns(self.host, "nft", "-f", self.path("nftables.conf"))
        else:
            for version, tool in (("v4", "iptables"), ("v6", "ip6tables")):
                shutil.copy(os.path.join(HERE, "files", "baseline." + version), self.path("rules." + version))
                in_ns(self.host, "%s-%s-restore" % (tool, self.kind), self.path("rules." + version))

    def path(self, name):
        return os.path.join(self.dir, name)

    def options(self, **extra):
        options = dict(
            destinations=DESTINATIONS,
            nftables_persist_path=self.path("nftables.d/zerto_billing.nft"),
            nftables_main_config=self.path("nftables.conf"),
            iptables_persist_path_v4=self.path("rules.v4"),
            iptables_persist_path_v6=self.path("rules.v6"),
            lock_path=self.path("egress.lock"),
        )
        options.update(extra)
        return options

    # --- observing ------------------------------------------------------------------------
    def reachable(self, address, port=443):
        return tcp_reachable(self.host, address, port)

    def saves(self):
        return [in_ns(self.host, "%s-%s-save" % (tool, self.kind)).stdout for tool in ("iptables", "ip6tables")]

    def full(self, handles=True):
        """Whole ruleset, counters zeroed (traffic moves them), in a comparable form; nft
        handles are left out when comparing with a ruleset loaded anew (they renumber)."""
        if self.kind == "nftables":
            items = json.loads(in_ns(self.host, "nft", "-j", "list", "ruleset").stdout)["nftables"]
            items = [_zero_counters(i) for i in items if "metainfo" not in i]
            if not handles:
                items = [_drop_handles(i) for i in items]
            return [json.dumps(i, sort_keys=True) for i in items]
        lines = []
        for text in self.saves():
            for line in text.splitlines():
                if line.startswith("#"):
                    continue
                lines.append(line.split(" [")[0] if line.startswith(":") else line)
        return lines

    def foreign(self):
        """Everything the collection does not own, byte for byte (counters zeroed)."""
        return [line for line in self.full() if OWNER not in line and not any(s in line for s in _owned_set_markers())]

    def owned_counts(self):
        if self.kind == "nftables":
            items = json.loads(in_ns(self.host, "nft", "-j", "list", "ruleset").stdout)["nftables"]
            rules = sum(1 for i in items if "rule" in i and i["rule"].get("comment") == OWNER)
            sets = sum(1 for i in items if "set" in i and i["set"]["name"] in OWNED_SETS)
            return rules, sets
        return sum(text.count(OWNER) for text in self.saves()), 0

    def entries(self, check_mode=False, **extra):
        options = dict(
            destinations=[LEGACY], hostnames=["autologs.zerto.com"], hosts_path=self.path("hosts"),
            backup_dir=self.path("backups"), nftables_persist_path=self.path("nftables.d/zerto_billing.nft"),
            nftables_main_config=self.path("nftables.conf"), iptables_persist_path_v4=self.path("rules.v4"),
            iptables_persist_path_v6=self.path("rules.v6"), lock_path=self.path("egress.lock"),
        )
        options.update(extra)
        return self.run(check_mode, "entries.yml", "entries", **options)

    def restore_backup(self, folder):
        if self.kind == "nftables":
            in_ns(self.host, "nft", "flush", "ruleset")
            in_ns(self.host, "nft", "-f", os.path.join(folder, "nftables", "nftables.nft"))
            return
        for tool in ("iptables", "ip6tables"):
            in_ns(self.host, "%s-%s-restore" % (tool, self.kind),
                  os.path.join(folder, "iptables-%s" % self.kind, "%s-save.txt" % tool))

    def files(self):
        return read_files(self.dir, ("nftables.conf", "nftables.d/zerto_billing.nft", "rules.v4", "rules.v6"))

    # --- running the module ---------------------------------------------------------------
    def run(self, check_mode=False, playbook="module.yml", var="egress", **options):
        execute = functools.partial(in_ns, self.host)
        return run_playbook(execute, self.dir, os.path.join(HERE, playbook), {var: options}, check_mode)


def _zero_counters(value):
    if isinstance(value, dict):
        return dict((k, None if k == "counter" else _zero_counters(v)) for k, v in value.items())
    if isinstance(value, list):
        return [_zero_counters(v) for v in value]
    return value


def _drop_handles(value):
    if isinstance(value, dict):
        return dict((k, _drop_handles(v)) for k, v in value.items() if k != "handle")
    if isinstance(value, list):
        return [_drop_handles(v) for v in value]
    return value


def _owned_set_markers():
    return ['"name": "%s"' % name for name in OWNED_SETS]


def strip_owned_lines(text):
    return "".join(line for line in text.splitlines(True) if OWNER not in line)


# --- the checks ---------------------------------------------------------------------------
def exercise(s):
    print("== %s (%s)" % (s.key, s.kind), flush=True)
    check(not s.reachable(NEW), "baseline blocks %s:443" % NEW)
    check(s.reachable(LEGACY), "baseline allows the legacy %s:443 (hand-made rule)" % LEGACY)
    check(s.reachable(UNRELATED, 8443), "baseline allows the unrelated %s:8443" % UNRELATED)
    full0, foreign0, files0 = s.full(), s.foreign(), s.files()

    r = s.run(check_mode=True, **s.options())
    check(not r.get("failed") and r.get("changed") and r.get("added"), "check mode reports the change: %s" % r.get("msg", ""))
    check(s.full() == full0 and s.files() == files0, "check mode changed neither ruleset nor files")

    r = s.run(**s.options())
    check(not r.get("failed") and r.get("changed"), "first run changes: %s" % r.get("msg", ""))
    check((r.get("backend"), r.get("backend_variant")) == (s.backend, s.variant),
          "auto detected %s/%s (got %s/%s)" % (s.backend, s.variant, r.get("backend"), r.get("backend_variant")))
    check(s.reachable(NEW), "%s:443 reachable after the run" % NEW)
    check(s.reachable(LEGACY) and s.reachable(UNRELATED, 8443), "legacy and unrelated traffic still pass")
    check(s.foreign() == foreign0, "every rule the collection does not own is byte-identical")
    check(s.owned_counts() == (s.owned_rules, s.owned_sets), "owned entries %s == expected %s" % (s.owned_counts(), (s.owned_rules, s.owned_sets)))
    check(r.get("previous_destinations") == [], "first run: the collection owned nothing before (%s)" % r.get("previous_destinations"))

    r = s.run(**s.options())
    check(not r.get("failed") and not r.get("changed"), "second run changed=false")
    previous = r.get("previous_destinations") or []
    check(previous, "second run returns what the collection owned before it")
    r = s.run(check_mode=True, **s.options(destinations=previous))
    check(not r.get("failed") and not r.get("changed"),
          "previous_destinations %s as destinations would change nothing: %s" % (previous, r.get("added") or r.get("msg", "")))

    files = s.files()
    if s.kind == "nftables":
        persisted = files.get("nftables.d/zerto_billing.nft", "")
        check(OWNER in persisted, "persisted nft file holds the allow")
        check(files["nftables.conf"].startswith(files0["nftables.conf"]) and
              'include "%s"' % s.path("nftables.d/zerto_billing.nft") in files["nftables.conf"],
              "nftables.conf: only an include line appended")
        in_ns(s.host, "nft", "-f", s.path("nftables.conf"))
    else:
        check(strip_owned_lines(files["rules.v4"]) == files0["rules.v4"], "rules.v4: only our lines added")
        check(strip_owned_lines(files["rules.v6"]) == files0["rules.v6"], "rules.v6: only our lines added")
        for version, tool in (("v4", "iptables"), ("v6", "ip6tables")):
            in_ns(s.host, "%s-%s-restore" % (tool, s.kind), s.path("rules." + version))
    check(s.reachable(NEW), "reloading the persisted configuration brings the allow back")
    check(s.owned_counts() == (s.owned_rules, s.owned_sets), "reload: owned entries once each %s" % (s.owned_counts(),))
    r = s.run(**s.options())
    check(not r.get("failed") and not r.get("changed"), "run after reload changed=false")
    foreign1 = s.foreign()

    r = s.run(**s.options(state="absent", destinations=[]))
    check(not r.get("failed") and r.get("changed") and s.owned_counts() == (0, 0), "state=absent removes ours")
    check_two_concurrent_runs(lambda: s.run(**s.options()))
    check(s.owned_counts() == (s.owned_rules, s.owned_sets), "two concurrent runs: no duplicates %s" % (s.owned_counts(),))

    r = s.run(**s.options(state="absent", destinations=[]))
    check(not r.get("failed") and r.get("changed"), "state=absent changes")
    check(s.owned_counts() == (0, 0), "state=absent leaves none of ours")
    check(s.foreign() == foreign1, "state=absent leaves every other rule byte-identical")
    check(not s.reachable(NEW), "%s:443 blocked again" % NEW)
    files = s.files()
    if s.kind == "nftables":
        check(files["nftables.conf"] == files0["nftables.conf"], "nftables.conf back to its original bytes")
        check("nftables.d/zerto_billing.nft" not in files, "persisted nft file removed")
    else:
        check(files["rules.v4"] == files0["rules.v4"] and files["rules.v6"] == files0["rules.v6"], "rules.v4/v6 back to their original bytes")
    r = s.run(**s.options(state="absent"))
    check(not r.get("failed") and not r.get("changed"), "second state=absent changed=false")


def legacy_cleanup(s):
    """egress_entries on the same host: the hand-made legacy allow and an /etc/hosts pin go, with
    a backup that restores the previous ruleset exactly; our allow and the unrelated rule stay."""
    print("== egress_entries (%s)" % s.key, flush=True)
    with open(s.path("hosts"), "w") as handle:
        handle.write("127.0.0.1\tlocalhost\n%s\tautologs.zerto.com\n%s\tbilling-new.lab other.lab\n" % (LEGACY, NEW))
    r = s.run(**s.options())
    check(not r.get("failed") and s.reachable(NEW), "allow in place before the cleanup")
    full0, files0, loose0 = s.full(), s.files(), s.full(handles=False)
    r = s.entries()
    found = [(e["kind"], e["action"], e["owned"]) for e in r.get("entries", [])]
    check(not r.get("failed") and not r.get("changed") and ("rule", "remove", False) in found
          and ("hosts_line", "remove", False) in found, "find only: hand-made legacy rule and hosts pin found %s %s" % (found, r.get("msg", "")))
    check(s.full() == full0 and s.files() == files0, "find only changed nothing")
    r = s.entries(check_mode=True, remove=True)
    check(not r.get("failed") and r.get("changed") and r.get("removed"), "check mode reports the removal")
    check(s.full() == full0 and not os.path.exists(s.path("backups")), "check mode removed nothing, wrote no backup")
    r = s.entries(remove=True)
    check(not r.get("failed") and r.get("changed") and r.get("backup"), "removal with backup: %s" % r.get("msg", ""))
    check(not s.reachable(LEGACY), "legacy endpoint blocked after the cleanup")
    check(s.reachable(NEW) and s.reachable(UNRELATED, 8443), "new endpoint and unrelated traffic still pass")
    gone = [line for line in full0 if line not in s.full()]
    check(len(gone) == 1 and LEGACY in gone[0], "exactly the legacy rule went: %s" % gone)
    check([line for line in s.full() if line not in full0] == [], "nothing else changed")
    with open(s.path("hosts")) as handle:
        check("autologs" not in handle.read(), "hosts pin removed")
    if s.kind != "nftables":
        check(LEGACY not in s.files()["rules.v4"], "rules.v4 no longer holds the legacy rule")
    r2 = s.entries(remove=True)
    check(not r2.get("failed") and not r2.get("changed"), "second cleanup changed=false")
    s.restore_backup(r["backup"])
    check(s.full(handles=False) == loose0, "the backup restores the previous ruleset exactly")
    check(s.reachable(LEGACY), "legacy endpoint reachable again after restoring the backup")


def resolve_on_host(s):
    """resolve: the name is looked up with the managed host's own resolver (its /etc/hosts, which
    `ip netns exec` takes from /etc/netns/<host>/hosts) in the run that applies the change."""
    print("== resolve (%s)" % s.key, flush=True)
    etc = os.path.join("/etc/netns", s.host)
    os.makedirs(etc, exist_ok=True)
    with open(os.path.join(etc, "hosts"), "w") as handle:
        handle.write("127.0.0.1\tlocalhost\n%s\tbilling-new.lab.test\n" % NEW)
    full0, files0 = s.full(), s.files()
    r = s.run(**s.options(destinations=[], resolve=["nowhere.lab.test"]))
    check(r.get("failed") and r.get("error_class") == "dns_failure" and "nowhere.lab.test" in r.get("msg", ""),
          "an unresolvable name fails with dns_failure: %s" % r.get("msg", ""))
    r = s.run(**s.options(destinations=[], resolve=["billing-new.lab.test;reboot"]))
    check(r.get("failed") and r.get("msg", "").startswith("resolve:"), "a name with shell metacharacters fails naming resolve: %s" % r.get("msg", ""))
    check(s.full() == full0 and s.files() == files0, "failed resolution changed nothing")
    r = s.run(**s.options(destinations=[], resolve=["https://billing-new.lab.test/"]))
    check(not r.get("failed") and r.get("changed") and r.get("resolved") == {"billing-new.lab.test": [NEW]},
          "the name resolves on the host and its address is allowed: %s" % (r.get("resolved") or r.get("msg", "")))
    check(s.reachable(NEW) and not s.reachable(NEW, 8443), "%s:443 reachable, only on the port asked for" % NEW)
    r = s.run(**s.options(destinations=[], resolve=["billing-new.lab.test"]))
    check(not r.get("failed") and not r.get("changed"), "second run with the same resolution changed=false")
    with open(os.path.join(etc, "hosts"), "w") as handle:
        handle.write("127.0.0.1\tlocalhost\n%s\tbilling-new.lab.test\n" % UNRELATED)
    r = s.run(**s.options(destinations=[], resolve=["billing-new.lab.test"]))
    check(not r.get("failed") and r.get("changed") and r.get("previous_destinations") == [NEW] and not s.reachable(NEW),
          "a run after the name moved refreshes the allow to the new address: %s" % (r.get("resolved") or r.get("msg", "")))
    r = s.run(**s.options(state="absent"))
    check(not r.get("failed") and s.owned_counts() == (0, 0), "state=absent removes the resolved allow")
    shutil.rmtree(etc, ignore_errors=True)


def entries_resolve(s):
    """egress_entries resolves legacy names on the host, and refuses, before any change, a legacy
    destination that overlaps a protected one. Runs after legacy_cleanup restored the legacy rule."""
    print("== egress_entries resolve and protect (%s)" % s.key, flush=True)
    etc = os.path.join("/etc/netns", s.host)
    os.makedirs(etc, exist_ok=True)
    with open(os.path.join(etc, "hosts"), "w") as handle:
        handle.write("127.0.0.1\tlocalhost\n%s\tlegacy.lab.test\n%s\tbilling-new.lab.test\n" % (LEGACY, NEW))
    full0, files0 = s.full(), s.files()
    backups0 = sorted(os.listdir(s.path("backups")))
    r = s.entries(check_mode=True, destinations=[], hostnames=[], resolve=["https://legacy.lab.test"], remove=True)
    found = [(e["kind"], e["action"]) for e in r.get("entries", [])]
    check(not r.get("failed") and r.get("resolved") == {"legacy.lab.test": [LEGACY]} and r.get("destinations") == [LEGACY]
          and ("rule", "remove") in found, "the legacy name resolves on the host and its rule is found: %s %s"
          % (r.get("resolved"), r.get("msg", "")))
    r = s.entries(destinations=[], hostnames=[], resolve=["legacy.lab.test"], protect=[LEGACY + "/31"], remove=True)
    check(r.get("failed") and r.get("msg", "").startswith("protect:") and LEGACY in r.get("msg", ""),
          "a legacy address inside a protected range is refused, naming protect: %s" % r.get("msg", ""))
    r = s.entries(destinations=[], hostnames=[], resolve=["legacy.lab.test;reboot"], remove=True)
    check(r.get("failed") and r.get("msg", "").startswith("resolve:"), "a name with shell metacharacters fails naming resolve: %s"
          % r.get("msg", ""))
    r = s.entries(destinations=[], hostnames=[], resolve=["retired.lab.test"], protect=["not-an-address"], remove=True)
    check(r.get("failed") and r.get("msg", "").startswith("protect:"), "a malformed protect entry fails naming protect: %s"
          % r.get("msg", ""))
    check(s.full() == full0 and s.files() == files0 and sorted(os.listdir(s.path("backups"))) == backups0,
          "refused runs changed nothing and wrote no backup")
    r = s.entries(destinations=[], hostnames=[], resolve=["retired.lab.test"], remove=True)
    check(not r.get("failed") and not r.get("changed") and r.get("unresolved") == ["retired.lab.test"],
          "a legacy name that no longer resolves is reported, not an error: %s %s" % (r.get("unresolved"), r.get("msg", "")))
    r = s.entries(destinations=[], hostnames=[], resolve=["legacy.lab.test"], protect=[NEW], remove=True)
    check(not r.get("failed") and r.get("changed") and not s.reachable(LEGACY) and s.reachable(NEW),
          "with the new endpoint protected, the resolved legacy rule goes and the new endpoint stays: %s" % r.get("msg", ""))
    shutil.rmtree(etc, ignore_errors=True)


def bad_inputs(s):
    print("== bad input (%s)" % s.key, flush=True)
    full0, files0 = s.full(), s.files()
    cases = [
        (dict(destinations=["300.1.1.0/24"]), ("destinations", "300.1.1.0/24")),
        (dict(destinations=["198.51.100.70; nft flush ruleset"]), ("destinations", "nft flush ruleset")),
        (dict(destinations=["$(reboot)"]), ("destinations", "$(reboot)")),
        (dict(port=0), ("port", "0")),
        (dict(port=70000), ("port", "70000")),
        (dict(backend="pf"), ("backend", "pf")),
    ]
    for extra, words in cases:
        check_refused(s.run(**s.options(**extra)), extra, words)
    check(s.full() == full0 and s.files() == files0, "bad input changed nothing")


def make_scenarios(directory):
    return [Scenario(directory, *row) for row in SCENARIOS]


def run_scenarios(scenarios):
    for s in scenarios:
        s.setup()
    bad_inputs(scenarios[0])
    resolve_on_host(scenarios[0])
    for s in scenarios:
        exercise(s)
    for s in (scenarios[0], scenarios[2]):
        legacy_cleanup(s)
    entries_resolve(scenarios[0])


def wait_for_lab_lock(lock):
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except (IOError, OSError):
        print("waiting for another egress_rule lab on this machine (%s)" % LAB_LOCK, flush=True)
        fcntl.flock(lock, fcntl.LOCK_EX)


def main():
    with open(LAB_LOCK, "a") as lock:
        wait_for_lab_lock(lock)
        return run_lab("egress_rule", teardown, make_scenarios, (run_scenarios,), "zbr-lab-")


if __name__ == "__main__":
    sys.exit(main())
