"""Integration test: egress_entries removes hand-made legacy entries live AND from the admin's
persisted nftables configuration (a temp nftables.conf plus a file it includes by glob), so that
loading that configuration into a fresh namespace keeps the legacy destination blocked while
the other set member and the unrelated port-8443 rule still pass. The backup gives back the
original files byte for byte. Namespaces zbp-h (host) and zbp-p (peer); addresses in
198.51.100.128/26 only; nothing in the root namespace."""

import json
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "lab"))

import netns  # noqa: E402
from target_harness import Listeners, check, in_ns, link, run_lab, run_playbook, sh, tcp_reachable  # noqa: E402

HOST, PEER = "zbp-h", "zbp-p"
LEGACY, OTHER, BLOCKED = "198.51.100.140", "198.51.100.141", "198.51.100.142"
LISTENERS = Listeners("/tmp/zbp-entries-persist-lab.pids")


def teardown():
    LISTENERS.stop()
    netns.delete(HOST)
    netns.delete(PEER)


def make_host():
    """A fresh host namespace wired to the peer (also what a reboot looks like to nft)."""
    netns.delete(HOST)
    sh("ip", "netns", "add", HOST)
    link(HOST, "198.51.100.129/26", PEER, ["198.51.100.130/26", LEGACY + "/26", OTHER + "/26", BLOCKED + "/26"])


def setup():
    sh("ip", "netns", "add", PEER)
    make_host()
    LISTENERS.start(PEER, 443, 8443)


def on_host(*argv, **kwargs):
    return in_ns(HOST, *argv, **kwargs)


def reachable(address, port=443):
    return tcp_reachable(HOST, address, port)


def traffic():
    return dict(legacy=reachable(LEGACY), other=reachable(OTHER), unrelated=reachable(LEGACY, 8443), blocked=reachable(BLOCKED))


class Lab(object):
    def __init__(self, directory):
        self.dir = directory
        self.main = self.path("nftables.conf")
        self.mixed = self.path("conf.d/mixed.nft")
        os.makedirs(self.path("conf.d"))
        with open(os.path.join(HERE, "files", "nftables.conf")) as handle:
            main = handle.read().replace("@DIR@", self.dir)
        with open(self.main, "w") as handle:
            handle.write(main)
        shutil.copyfile(os.path.join(HERE, "files", "mixed.nft"), self.mixed)
        os.chmod(self.mixed, 0o640)

    def path(self, name):
        return os.path.join(self.dir, name)

    def files(self):
        return dict((p, open(p).read()) for p in (self.main, self.mixed))

    def entries(self, check_mode=False):
        options = dict(destinations=[LEGACY], remove=True, backup_dir=self.path("backups"),
                       nftables_persist_path=self.path("conf.d/zerto_billing.nft"),
                       nftables_main_config=self.main, lock_path=self.path("egress.lock"))
        return run_playbook(on_host, self.dir, os.path.join(HERE, "entries.yml"), {"entries": options}, check_mode)


def exercise(lab):
    on_host("nft", "-f", lab.main)
    check(traffic() == dict(legacy=True, other=True, unrelated=True, blocked=False), "baseline: legacy, other member, unrelated pass; %s blocked" % BLOCKED)
    files0 = lab.files()
    ruleset0 = on_host("nft", "list", "ruleset").stdout

    r = lab.entries(check_mode=True)
    edits = r.get("persisted_edits") or []
    check(not r.get("failed") and r.get("changed") and len(edits) == 2, "check mode plans two persisted edits: %s %s" % (edits, r.get("msg", "")))
    check(any(d.get("before_header") == lab.main for d in r.get("diff", [])), "check mode shows the config edit in the diff")
    check(lab.files() == files0 and not os.path.exists(lab.path("backups")), "check mode wrote nothing")
    check(on_host("nft", "list", "ruleset").stdout == ruleset0, "check mode left the ruleset alone")

    r = lab.entries()
    edits = r.get("persisted_edits") or []
    check(not r.get("failed") and r.get("changed") and r.get("backup"), "removal with backup: %s" % r.get("msg", ""))
    check(sorted((os.path.basename(e["file"]), e["after"]) for e in edits) == [("mixed.nft", ""), ("nftables.conf", "")],
          "persisted_edits: one deleted line per file %s" % edits)
    check(r.get("manual_review") == [], "nothing left for manual review: %s" % r.get("manual_review"))
    check(traffic() == dict(legacy=False, other=True, unrelated=True, blocked=False), "live: legacy blocked, other member and unrelated pass")

    files1 = lab.files()
    gone_main = [line for line in files0[lab.main].splitlines(True) if line not in files1[lab.main].splitlines(True)]
    check(gone_main == ['\t\tip  daddr 198.51.100.140  tcp dport 443 counter accept comment "legacy billing (hand-made)"\n'],
          "nftables.conf: only the legacy rule line went: %s" % gone_main)
    check(files1[lab.main] == files0[lab.main].replace(gone_main[0] if gone_main else "", ""), "nftables.conf otherwise byte-identical")
    check('\t\tip daddr 198.51.100.140 tcp dport 8443 accept comment "unrelated, other port"\n' in files1[lab.main],
          "the unrelated port-8443 rule is still in the file, byte-identical")
    check(files1[lab.mixed] == files0[lab.mixed].replace("\t\t\t198.51.100.140,\n", ""), "mixed.nft: only the legacy element line went")
    check(oct(os.stat(lab.mixed).st_mode & 0o777) == oct(0o640), "mixed.nft keeps its mode")

    backup = r.get("backup") or ""
    with open(os.path.join(backup, "manifest.json")) as handle:
        copies = json.load(handle).get("files", {})
    check(lab.main in copies and lab.mixed in copies, "the backup manifest lists both edited files: %s" % sorted(copies))
    check(all(open(copies[p]).read() == files0[p] for p in (lab.main, lab.mixed) if p in copies), "the backup holds the original bytes")

    r = lab.entries()
    check(not r.get("failed") and not r.get("changed") and not r.get("persisted_edits"), "second run changed=false: %s" % r.get("msg", ""))

    make_host()
    on_host("nft", "-f", lab.main)
    check(traffic() == dict(legacy=False, other=True, unrelated=True, blocked=False),
          "persisted config loaded into a fresh namespace: legacy stays blocked, other member and unrelated pass")

    for path, copy in copies.items():
        shutil.copyfile(copy, path)
    check(lab.files() == files0, "copying the backup's files back restores the original files exactly")
    make_host()
    on_host("nft", "-f", lab.main)
    check(traffic()["legacy"], "the restored config allows the legacy destination again")


def build(directory):
    setup()
    return Lab(directory)


def main():
    return run_lab("egress_entries_persist", teardown, build, (exercise,), "zbp-")


if __name__ == "__main__":
    sys.exit(main())
