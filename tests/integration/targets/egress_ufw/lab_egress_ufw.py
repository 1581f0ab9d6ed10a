"""Integration test of the ufw backend (egress_rule, egress_entries) against a real ufw.

zbu-h is the managed host: ufw enabled with default deny outgoing, a hand-made legacy allow to
198.51.100.90:443 (no comment), another to .91 (with a comment), an unrelated allow to
198.51.100.100:8443, and `deny out to 198.51.100.64/26` after them, so an allow appended at the
end would not work. zbu-p serves TLS on .70:443 (new), .90:443 (legacy) and .100:8443. ufw runs
in a private mount namespace over temp copies of its files (ufw_sandbox.py); the machine's ufw
files are checked unchanged at the end. Nothing is created in the root network namespace."""

import functools
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "lab"))

import lab_ca  # noqa: E402
import netns  # noqa: E402
from target_harness import SandboxLab, check, check_refused, check_rollback, check_two_concurrent_runs  # noqa: E402
from ufw_sandbox import UfwSandbox, machine_fingerprint  # noqa: E402

NEW, LEGACY, LEGACY2, UNRELATED = "198.51.100.70", "198.51.100.90", "198.51.100.91", "198.51.100.100"
DESTINATIONS = [NEW, "198.51.100.80/29", "2001:db8:100::70"]
OWNER = "zerto_msp.billing egress"
OWNER_HEX = OWNER.encode().hex()
UNTOUCHED = (machine_fingerprint, "the machine's /etc/ufw, /lib/ufw, /etc/default/ufw and /run/ufw.lock are untouched")


class Lab(SandboxLab):
    switch, host, peer, host_address = "zbu-sw", "zbu-h", "zbu-p", "198.51.100.10"
    endpoints = ((NEW, 443), (LEGACY, 443), (UNRELATED, 8443))
    legacy = (LEGACY, LEGACY2)
    playbooks = HERE
    ca_class = lab_ca.LabCA

    def start_sandbox(self):
        os.mkdir(self.path("ufw"))
        sandbox = UfwSandbox(self.host, self.path("ufw"))
        for args in (["default", "deny", "outgoing"], ["default", "deny", "incoming"], ["--force", "enable"],
                     ["allow", "out", "to", LEGACY, "port", "443", "proto", "tcp"],
                     ["allow", "out", "to", LEGACY2, "port", "443", "comment", "old billing"],
                     ["allow", "out", "to", UNRELATED, "port", "8443", "proto", "tcp", "comment", "unrelated"],
                     ["deny", "out", "to", "198.51.100.64/26"]):
            sandbox.ufw(*args)
        return sandbox

    def firewall(self):
        """ufw's store and the running iptables/ip6tables rules (counters dropped)."""
        saves = [netns.in_ns(self.host, tool).stdout for tool in ("iptables-save", "ip6tables-save")]
        running = [l.split(" [")[0] for s in saves for l in s.splitlines() if not l.startswith("#")]
        return self.sandbox.user_rules(), running

    def foreign_tuples(self):
        return [t for t in self.sandbox.tuples() if OWNER_HEX not in t]

    def owned_tuples(self):
        return [t for t in self.sandbox.tuples() if OWNER_HEX in t]


def baseline(lab):
    print("== baseline", flush=True)
    check(not lab.reachable(NEW), "default deny outgoing blocks %s:443" % NEW)
    check(lab.reachable(LEGACY), "hand-made legacy rule lets %s:443 through" % LEGACY)
    check(lab.reachable(UNRELATED, 8443), "unrelated rule lets %s:8443 through" % UNRELATED)


def bad_inputs(lab):
    print("== bad input", flush=True)
    before = lab.firewall()
    cases = [
        (dict(destinations=["300.1.1.0/24"]), ("destinations", "300.1.1.0/24")),
        (dict(destinations=["198.51.100.70; ufw disable"]), ("destinations", "ufw disable")),
        (dict(port=0), ("port", "0")),
        (dict(backend="pf"), ("backend", "pf")),
        (dict(filter_forward=True), ("filter_forward", "ufw")),
    ]
    for extra, words in cases:
        options = dict(destinations=DESTINATIONS)
        options.update(extra)
        check_refused(lab.run(**options), extra, words)
    check(lab.firewall() == before, "bad input changed nothing")


def allow_and_revoke(lab):
    print("== egress_rule with backend auto on ufw", flush=True)
    before, foreign0 = lab.firewall(), lab.foreign_tuples()
    r = lab.run(check_mode=True, destinations=DESTINATIONS)
    check(not r.get("failed") and r.get("changed") and len(r.get("added", [])) == 3,
          "check mode reports 3 rules to add: %s" % r.get("msg", r.get("added")))
    check(r.get("backend") == "ufw", "auto detected ufw: %s" % r.get("detection"))
    check(lab.firewall() == before, "check mode changed neither ufw's files nor the running rules")

    r = lab.run(destinations=DESTINATIONS)
    check(not r.get("failed") and r.get("changed") and r.get("backend") == "ufw", "first run changes: %s" % r.get("msg", ""))
    check(lab.reachable(NEW), "%s:443 reachable after the run (our rule sits ahead of the deny)" % NEW)
    check(lab.reachable(LEGACY) and lab.reachable(UNRELATED, 8443), "legacy and unrelated traffic still pass")
    check(lab.foreign_tuples() == foreign0, "every rule the collection does not own is unchanged, in order")
    check(len(lab.owned_tuples()) == 3, "three owned rules: %s" % lab.owned_tuples())
    numbered = lab.sandbox.ufw("status", "numbered")
    check(numbered.index(NEW) < numbered.index("198.51.100.64/26"), "owned rule listed before the deny")

    r = lab.run(destinations=DESTINATIONS)
    check(not r.get("failed") and not r.get("changed"), "second run changed=false: %s" % r.get("msg", r.get("added")))

    lab.sandbox.ufw("reload")
    check(lab.reachable(NEW) and len(lab.owned_tuples()) == 3, "after `ufw reload` (from ufw's files) the allow is back, once")

    r = lab.run(destinations=[NEW])
    check(not r.get("failed") and r.get("changed") and len(r.get("removed", [])) == 2 and len(lab.owned_tuples()) == 1,
          "fewer destinations: the other owned rules go")

    r = lab.run(state="absent")
    check(not r.get("failed") and r.get("changed") and lab.owned_tuples() == [], "state=absent removes ours")
    check(lab.foreign_tuples() == foreign0, "state=absent leaves every other rule unchanged")
    check(not lab.reachable(NEW) and lab.reachable(LEGACY), "%s:443 blocked again, legacy still passes" % NEW)
    r = lab.run(state="absent")
    check(not r.get("failed") and not r.get("changed"), "second state=absent changed=false")

    check_two_concurrent_runs(lambda: lab.run(destinations=DESTINATIONS))
    check(len(lab.owned_tuples()) == 3, "two concurrent runs: no duplicates")


def legacy_cleanup(lab):
    print("== egress_entries (legacy discovery) on ufw", flush=True)
    check(lab.reachable(NEW), "our allow is in place before the cleanup")
    before, tuples0 = lab.firewall(), lab.sandbox.tuples()
    r = lab.entries()
    found = sorted((e["backend"], e["matched"][0], e["action"], e["owned"]) for e in r.get("entries", []))
    check(not r.get("failed") and not r.get("changed") and found == [
        ("ufw", LEGACY + "/32", "remove", False), ("ufw", LEGACY2 + "/32", "remove", False)],
        "find only: both hand-made legacy rules, nothing from ufw's iptables chains: %s %s" % (found, r.get("msg", "")))
    check(lab.firewall() == before, "find only changed nothing")
    r = lab.entries(check_mode=True, remove=True)
    check(not r.get("failed") and r.get("changed") and len(r.get("removed", [])) == 2, "check mode reports the removal")
    check(lab.firewall() == before and not os.path.exists(lab.path("backups")), "check mode removed nothing, wrote no backup")
    r = lab.entries(remove=True)
    check(not r.get("failed") and r.get("changed") and r.get("backup"), "removal with backup: %s" % r.get("msg", ""))
    check(not lab.reachable(LEGACY), "legacy endpoint blocked after the cleanup")
    check(lab.reachable(NEW) and lab.reachable(UNRELATED, 8443), "new endpoint and unrelated traffic still pass")
    gone = [t for t in tuples0 if t not in lab.sandbox.tuples()]
    check(len(gone) == 2 and all(LEGACY in t or LEGACY2 in t for t in gone), "exactly the legacy rules went: %s" % gone)
    check([t for t in lab.sandbox.tuples() if t not in tuples0] == [], "nothing else changed")
    backup = r.get("backup") or ""
    with open(os.path.join(backup, "ufw", "user.rules")) as handle:
        check(handle.read() == before[0][0], "backup holds user.rules as it was")
    r = lab.entries(remove=True)
    check(not r.get("failed") and not r.get("changed"), "second cleanup changed=false")
    r = check_rollback(functools.partial(lab.rollback, backup=backup, backend="ufw"), lab.sandbox.tuples)
    check(not r.get("failed") and lab.sandbox.tuples() == tuples0 and lab.reachable(LEGACY),
          "legacy_cleanup's rollback (user.rules back, ufw reload) brings the legacy rules back: %s" % r.get("msg", ""))


def main():
    return Lab.main("egress_ufw", (baseline, bad_inputs, allow_and_revoke, legacy_cleanup), UNTOUCHED)


if __name__ == "__main__":
    sys.exit(main())
