"""Integration test of the ufw backend (egress_rule, egress_entries) against a real ufw.

zbu-h is the managed host: ufw enabled with default deny outgoing, a hand-made legacy allow to
198.51.100.90:443 (no comment), another to .91 (with a comment), an unrelated allow to
198.51.100.100:8443, and `deny out to 198.51.100.64/26` after them, so an allow appended at the
end would not work. zbu-p serves TLS on .70:443 (new), .90:443 (legacy) and .100:8443. ufw runs
in a private mount namespace over temp copies of its files (ufw_sandbox.py); the machine's ufw
files are checked unchanged at the end. Nothing is created in the root network namespace."""

import json
import os
import shutil
import signal
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROLLBACK = os.path.join(HERE, "..", "..", "playbooks", "legacy_cleanup_rollback.yml")
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "lab"))

import lab_ca  # noqa: E402
import netns  # noqa: E402
from ufw_sandbox import UfwSandbox, machine_fingerprint  # noqa: E402

SWITCH, HOST, PEER = "zbu-sw", "zbu-h", "zbu-p"
HOST_ADDRESS = "198.51.100.10"
NEW, LEGACY, LEGACY2, UNRELATED = "198.51.100.70", "198.51.100.90", "198.51.100.91", "198.51.100.100"
DESTINATIONS = [NEW, "198.51.100.80/29", "2001:db8:100::70"]
OWNER = "zerto_msp.billing egress"
OWNER_HEX = OWNER.encode().hex()
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable

failures = []


def check(condition, what):
    print("  %s %s" % ("ok  " if condition else "FAIL", what), flush=True)
    if not condition:
        failures.append(what)


def cleanup():
    for ns in (HOST, PEER, SWITCH):
        netns.delete(ns)


class Lab(object):
    def __init__(self, directory):
        self.dir = directory
        self.runs = 0
        self.ca = lab_ca.LabCA(os.path.join(directory, "ca"))
        self.sandbox = None

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def setup(self):
        netns.add_switch(SWITCH)
        netns.add_host(HOST, SWITCH, [HOST_ADDRESS], 24)
        netns.add_host(PEER, SWITCH, [NEW, LEGACY, UNRELATED], 24)
        cert, key = self.ca.issue("billing", [NEW, LEGACY, UNRELATED])
        spec = [dict(address=NEW, port=443, cert=cert, key=key), dict(address=LEGACY, port=443, cert=cert, key=key),
                dict(address=UNRELATED, port=8443, cert=cert, key=key)]
        with open(self.path("endpoints.json"), "w") as handle:
            json.dump(spec, handle)
        netns.spawn(PEER, [PYTHON, os.path.join(HERE, "..", "..", "..", "lab", "tls_endpoints.py"),
                           self.path("endpoints.json")], self.path("endpoints.log"))
        for entry in spec:
            netns.wait_for_port(PEER, entry["address"], entry["port"])
        os.mkdir(self.path("ufw"))
        self.sandbox = UfwSandbox(HOST, self.path("ufw"))
        for args in (["default", "deny", "outgoing"], ["default", "deny", "incoming"], ["--force", "enable"],
                     ["allow", "out", "to", LEGACY, "port", "443", "proto", "tcp"],
                     ["allow", "out", "to", LEGACY2, "port", "443", "comment", "old billing"],
                     ["allow", "out", "to", UNRELATED, "port", "8443", "proto", "tcp", "comment", "unrelated"],
                     ["deny", "out", "to", "198.51.100.64/26"]):
            self.sandbox.ufw(*args)

    def reachable(self, address, port=443):
        """A TLS handshake (lab CA, IP SAN) and an HTTP answer from the peer, from zbu-h."""
        code = ("import socket,ssl,sys\nc=ssl.create_default_context(cafile=sys.argv[3])\n"
                "s=c.wrap_socket(socket.create_connection((sys.argv[1],int(sys.argv[2])),timeout=1.5),server_hostname=sys.argv[1])\n"
                "s.sendall(b'GET / HTTP/1.0\\r\\n\\r\\n')\nsys.exit(0 if s.recv(12).startswith(b'HTTP/1.0 200') else 1)")
        proc = netns.in_ns(HOST, PYTHON, "-c", code, address, str(port), self.ca.ca_path, check=False)
        return proc.returncode == 0

    def firewall(self):
        """ufw's store and the running iptables/ip6tables rules (counters dropped)."""
        saves = [netns.in_ns(HOST, tool).stdout for tool in ("iptables-save", "ip6tables-save")]
        running = [l.split(" [")[0] for s in saves for l in s.splitlines() if not l.startswith("#")]
        return self.sandbox.user_rules(), running

    def foreign_tuples(self):
        return [t for t in self.sandbox.tuples() if OWNER_HEX not in t]

    def owned_tuples(self):
        return [t for t in self.sandbox.tuples() if OWNER_HEX in t]

    def run(self, check_mode=False, playbook="module.yml", var="egress", **options):
        self.runs += 1
        result_file = self.path("result-%d.json" % self.runs)
        variables = self.path("vars-%d.json" % self.runs)
        options.setdefault("lock_path", self.path("egress.lock"))
        with open(variables, "w") as handle:
            json.dump({var: options, "result_file": result_file, "ansible_python_interpreter": PYTHON}, handle)
        argv = ["ansible-playbook", "-i", "localhost,", "-c", "local", os.path.join(HERE, playbook), "-e", "@" + variables]
        if check_mode:
            argv += ["--check", "--diff"]
        proc = self.sandbox.run(*argv, check=False)
        if not os.path.exists(result_file):
            raise RuntimeError("ansible-playbook wrote no result: %s %s" % (proc.stdout[-2000:], proc.stderr[-2000:]))
        with open(result_file) as handle:
            return json.load(handle)

    def entries(self, check_mode=False, **options):
        options.setdefault("destinations", [LEGACY, LEGACY2])
        options.setdefault("backup_dir", self.path("backups"))
        return self.run(check_mode, "entries.yml", "entries", **options)


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
        r = lab.run(**options)
        msg = r.get("msg", "")
        check(r.get("failed") and all(w in msg for w in words), "%s fails naming %s: %s" % (extra, words, msg))
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

    results = []
    threads = [threading.Thread(target=lambda: results.append(lab.run(destinations=DESTINATIONS))) for unused in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    check(all(not r.get("failed") for r in results) and sum(bool(r.get("changed")) for r in results) == 1,
          "two concurrent runs: both succeed, exactly one changes (%s)" % [r.get("msg", r.get("changed")) for r in results])
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
    rollback = dict(backup=backup, backend="ufw")
    after_cleanup = lab.sandbox.tuples()
    r = lab.run(True, ROLLBACK, "rollback", **rollback)
    check(not r.get("failed") and lab.sandbox.tuples() == after_cleanup, "check-mode rollback changes nothing: %s" % r.get("msg", ""))
    r = lab.run(False, ROLLBACK, "rollback", **rollback)
    check(not r.get("failed") and lab.sandbox.tuples() == tuples0 and lab.reachable(LEGACY),
          "legacy_cleanup's rollback (user.rules back, ufw reload) brings the legacy rules back: %s" % r.get("msg", ""))


def main():
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *unused: sys.exit(1))
    started = time.time()
    machine0 = machine_fingerprint()
    cleanup()
    directory = tempfile.mkdtemp(prefix="zbu-lab-")
    try:
        lab = Lab(directory)
        lab.setup()
        baseline(lab)
        bad_inputs(lab)
        allow_and_revoke(lab)
        legacy_cleanup(lab)
    finally:
        cleanup()
        shutil.rmtree(directory, ignore_errors=True)
    check(machine_fingerprint() == machine0, "the machine's /etc/ufw, /lib/ufw, /etc/default/ufw and /run/ufw.lock are untouched")
    print("egress_ufw lab: %d checks failed, %.0f s" % (len(failures), time.time() - started))
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
