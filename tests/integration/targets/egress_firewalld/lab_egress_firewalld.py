"""Integration test of the firewalld backend (egress_rule, egress_entries) against a real firewalld.

zbu-fh is the managed host: firewalld (nftables backend, own dbus-daemon, firewalld_sandbox.py)
with an admin policy `egress-deny` (HOST -> ANY, target REJECT) holding a hand-made legacy rich
rule (198.51.100.90:443), a rule accepting 443 to the ipset `legacy-billing` (.91 and .95), and an
unrelated rule (198.51.100.100:8443); plus a direct rule for .93:443. zbu-fp serves TLS on .70,
.90, .91 (443) and .100 (8443). Everything is set up permanently and loaded with --reload. The
machine's /etc/firewalld is checked unchanged at the end; nothing is created in the root network
namespace."""

import functools
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "lab"))

import lab_ca  # noqa: E402
from firewalld_sandbox import FirewalldSandbox, machine_fingerprint  # noqa: E402
from target_harness import SandboxLab, check, check_refused, check_rollback  # noqa: E402

NEW, LEGACY, LEGACY_SET, UNRELATED = "198.51.100.70", "198.51.100.90", "198.51.100.91", "198.51.100.100"
DESTINATIONS = [NEW, "198.51.100.80/29", "2001:db8:100::70"]
LEGACY_RULE = 'rule family="ipv4" destination address="%s" port port="443" protocol="tcp" accept' % LEGACY
SET_RULE = 'rule family="ipv4" destination ipset="legacy-billing" port port="443" protocol="tcp" accept'
UNRELATED_RULE = 'rule family="ipv4" destination address="%s" port port="8443" protocol="tcp" accept' % UNRELATED
UNTOUCHED = (machine_fingerprint, "the machine's /etc/firewalld is untouched, no firewalld or bus socket in its /run")


class Lab(SandboxLab):
    switch, host, peer, host_address = "zbu-fsw", "zbu-fh", "zbu-fp", "198.51.100.20"
    endpoints = ((NEW, 443), (LEGACY, 443), (LEGACY_SET, 443), (UNRELATED, 8443))
    legacy = (LEGACY, LEGACY_SET, "198.51.100.93")
    playbooks = HERE
    ca_class = lab_ca.LabCA

    def start_sandbox(self):
        os.mkdir(self.path("firewalld"))
        sandbox = FirewalldSandbox(self.host, self.path("firewalld"))
        sandbox.start()
        p = "--permanent"
        for args in ([p, "--new-policy=egress-deny"], [p, "--policy=egress-deny", "--add-ingress-zone=HOST"],
                     [p, "--policy=egress-deny", "--add-egress-zone=ANY"], [p, "--policy=egress-deny", "--set-target=REJECT"],
                     [p, "--new-ipset=legacy-billing", "--type=hash:ip", "--family=inet"],
                     [p, "--ipset=legacy-billing", "--add-entry=%s" % LEGACY_SET], [p, "--ipset=legacy-billing", "--add-entry=198.51.100.95"],
                     [p, "--policy=egress-deny", "--add-rich-rule=%s" % LEGACY_RULE],
                     [p, "--policy=egress-deny", "--add-rich-rule=%s" % SET_RULE],
                     [p, "--policy=egress-deny", "--add-rich-rule=%s" % UNRELATED_RULE],
                     [p, "--direct", "--add-rule", "ipv4", "filter", "OUTPUT", "0", "-d", "198.51.100.93", "-p", "tcp",
                      "--dport", "443", "-j", "ACCEPT"],
                     ["--reload"]):
            sandbox.cmd(*args)
        return sandbox

    def foreign(self):
        """Both configurations without the collection's own policy and ipsets."""
        found = []
        for text in self.sandbox.configuration():
            blocks = text.split("\n\n")
            found += [b for b in blocks if not b.startswith(("zerto-billing", "zerto-billing-v4", "zerto-billing-v6"))]
        return found

    def owned(self, view=()):
        view = list(view)
        policies = self.sandbox.cmd(*(view + ["--get-policies"])).split()
        ipsets = self.sandbox.cmd(*(view + ["--get-ipsets"])).split()
        rules = self.sandbox.cmd(*(view + ["--policy=zerto-billing", "--list-rich-rules"])).split("\n") if "zerto-billing" in policies else []
        entries = []
        for name in ("zerto-billing-v4", "zerto-billing-v6"):
            if name in ipsets:
                entries += self.sandbox.cmd(*(view + ["--ipset=%s" % name, "--get-entries"])).split()
        return sorted(r for r in rules if r), sorted(entries)


def baseline(lab):
    print("== baseline", flush=True)
    check(not lab.reachable(NEW), "the admin's HOST->ANY REJECT policy blocks %s:443" % NEW)
    check(lab.reachable(LEGACY) and lab.reachable(LEGACY_SET), "hand-made legacy rich rules let .90 and .91 through")
    check(lab.reachable(UNRELATED, 8443), "unrelated rule lets %s:8443 through" % UNRELATED)


def bad_inputs(lab):
    print("== bad input", flush=True)
    before = lab.sandbox.fingerprint()
    for extra, words in ((dict(destinations=["300.1.1.0/24"]), ("destinations", "300.1.1.0/24")),
                         (dict(port=70000), ("port", "70000")),
                         (dict(filter_forward=True), ("filter_forward", "firewalld"))):
        options = dict(destinations=DESTINATIONS)
        options.update(extra)
        check_refused(lab.run(**options), extra, words)
    check(lab.sandbox.fingerprint() == before, "bad input changed nothing")


def allow_and_revoke(lab):
    print("== egress_rule with backend auto on firewalld", flush=True)
    before, foreign0 = lab.sandbox.fingerprint(), lab.foreign()
    r = lab.run(check_mode=True, destinations=DESTINATIONS)
    check(not r.get("failed") and r.get("changed") and r.get("backend") == "firewalld",
          "check mode: auto detects firewalld and reports a change: %s %s" % (r.get("msg", ""), r.get("detection")))
    check(lab.sandbox.fingerprint() == before, "check mode changed neither configuration")

    r = lab.run(destinations=DESTINATIONS)
    check(not r.get("failed") and r.get("changed"), "first run changes: %s" % r.get("msg", ""))
    check(lab.reachable(NEW), "%s:443 reachable after the run" % NEW)
    check(lab.reachable(LEGACY) and lab.reachable(UNRELATED, 8443), "legacy and unrelated traffic still pass")
    runtime, permanent = lab.owned(), lab.owned(["--permanent"])
    check(runtime == permanent and len(runtime[0]) == 2 and len(runtime[1]) == 3,
          "runtime and permanent hold the same 2 rich rules and 3 entries: %s %s" % (runtime, permanent))
    check(lab.foreign() == foreign0, "everything the collection does not own is unchanged, in both configurations")
    priority = lab.sandbox.cmd("--info-policy=zerto-billing")
    check("priority: -2" in priority and "ingress-zones: HOST" in priority and "egress-zones: ANY" in priority,
          "policy zerto-billing: HOST -> ANY, priority -2 (ahead of egress-deny at -1)")

    r = lab.run(destinations=DESTINATIONS)
    check(not r.get("failed") and not r.get("changed"), "second run changed=false: %s" % r.get("msg", r.get("added")))

    lab.sandbox.cmd("--reload")
    check(lab.reachable(NEW) and lab.owned() == runtime, "after `firewall-cmd --reload` the allow is back, unchanged")

    lab.sandbox.cmd("--zone=public", "--add-port=9999/tcp")
    r = lab.run(destinations=[NEW, "2001:db8:100::70"])
    check(not r.get("failed") and r.get("changed") and lab.owned()[1] == lab.owned(["--permanent"])[1] and len(lab.owned()[1]) == 2,
          "fewer destinations: entries change in runtime and permanent alike: %s" % (r.get("msg", lab.owned()),))
    check("9999/tcp" in lab.sandbox.cmd("--zone=public", "--list-ports"), "an entry-level change keeps the admin's runtime-only port")

    before = lab.sandbox.fingerprint()
    r = lab.run(state="absent")
    check(r.get("failed") and "runtime and permanent" in r.get("msg", "") and "zone public" in r.get("msg", ""),
          "state=absent needs a reload: refused while runtime has changes of its own: %s" % r.get("msg", ""))
    check(lab.sandbox.fingerprint() == before, "the refused run changed nothing")
    lab.sandbox.cmd("--zone=public", "--remove-port=9999/tcp")

    r = lab.run(state="absent")
    check(not r.get("failed") and r.get("changed") and lab.owned() == ([], []) and lab.owned(["--permanent"]) == ([], []),
          "state=absent removes ours from both configurations: %s" % r.get("msg", ""))
    check(lab.foreign() == foreign0, "state=absent leaves everything else unchanged")
    check(not lab.reachable(NEW) and lab.reachable(LEGACY), "%s:443 blocked again, legacy still passes" % NEW)
    r = lab.run(state="absent")
    check(not r.get("failed") and not r.get("changed"), "second state=absent changed=false")


def legacy_cleanup(lab):
    print("== egress_entries (legacy discovery) on firewalld", flush=True)
    r = lab.run(destinations=DESTINATIONS)
    check(not r.get("failed") and lab.reachable(NEW), "our allow is in place before the cleanup")
    before = lab.sandbox.fingerprint()
    r = lab.entries()
    found = sorted((e["backend"], e["kind"], e["action"]) for e in r.get("entries", []))
    check(not r.get("failed") and not r.get("changed") and found == [
        ("firewalld", "direct_rule", "remove"), ("firewalld", "ipset", "narrow"), ("firewalld", "rich_rule", "remove")],
        "find only: legacy rich rule, ipset entry and direct rule, nothing from firewalld's nft table: %s %s" % (found, r.get("msg", "")))
    check(lab.sandbox.fingerprint() == before, "find only changed nothing")
    r = lab.entries(check_mode=True, remove=True)
    check(not r.get("failed") and r.get("changed") and len(r.get("removed", [])) == 3, "check mode reports the removal")
    check(lab.sandbox.fingerprint() == before and not os.path.exists(lab.path("backups")), "check mode removed nothing, wrote no backup")
    r = lab.entries(remove=True)
    check(not r.get("failed") and r.get("changed") and r.get("backup"), "removal with backup: %s" % r.get("msg", ""))
    check(not lab.reachable(LEGACY) and not lab.reachable(LEGACY_SET), "both legacy endpoints blocked after the cleanup")
    check(lab.reachable(NEW) and lab.reachable(UNRELATED, 8443), "new endpoint and unrelated traffic still pass")
    for view in ([], ["--permanent"]):
        rules = lab.sandbox.cmd(*(view + ["--policy=egress-deny", "--list-rich-rules"]))
        entries = lab.sandbox.cmd(*(view + ["--ipset=legacy-billing", "--get-entries"])).split()
        direct = lab.sandbox.cmd(*(view + ["--direct", "--get-all-rules"]))
        check(LEGACY_RULE not in rules and SET_RULE in rules and UNRELATED_RULE in rules and entries == ["198.51.100.95"]
              and "198.51.100.93" not in direct, "%s: only the legacy parts went" % (view or ["runtime"])[0])
    backup = r.get("backup") or ""
    with open(os.path.join(backup, "firewalld", "permanent-policies.txt")) as handle:
        check(LEGACY_RULE in handle.read(), "backup holds the permanent policies as they were")
    r = lab.entries(remove=True)
    check(not r.get("failed") and not r.get("changed"), "second cleanup changed=false")
    lab.sandbox.cmd("--reload")
    check(not lab.reachable(LEGACY) and lab.reachable(NEW), "after --reload the legacy rule stays gone (permanent in step)")
    r = check_rollback(functools.partial(lab.rollback, backup=backup, backend="firewalld"), lab.sandbox.fingerprint)
    check(not r.get("failed") and lab.sandbox.fingerprint()[1] == before[1] and lab.reachable(LEGACY) and lab.reachable(LEGACY_SET),
          "legacy_cleanup's rollback (XML files back, --check-config, --reload) brings back the previous runtime rules "
          "exactly: %s" % r.get("msg", ""))


def main():
    return Lab.main("egress_firewalld", (baseline, bad_inputs, allow_and_revoke, legacy_cleanup), UNTOUCHED)


if __name__ == "__main__":
    sys.exit(main())
