"""Integration test: egress_entries removes hand-made legacy entries live AND from the admin's
persisted nftables configuration (a temp nftables.conf plus a file it includes by glob), so that
loading that configuration into a fresh namespace keeps the legacy destination blocked while
the other set member and the unrelated port-8443 rule still pass. The backup gives back the
original files byte for byte. Namespaces zbp-h (host) and zbp-p (peer); addresses in
198.51.100.128/26 only; nothing in the root namespace."""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
LISTENER = os.path.join(HERE, "..", "..", "..", "lab", "tcp_listener.py")
HOST, PEER = "zbp-h", "zbp-p"
LEGACY, OTHER, BLOCKED = "198.51.100.140", "198.51.100.141", "198.51.100.142"
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
PIDFILE = "/tmp/zbp-entries-persist-lab.pids"

failures = []
listener = []


def sh(*argv, **kwargs):
    check = kwargs.pop("check", True)
    proc = subprocess.run(list(argv), stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, check=False, **kwargs)
    if check and proc.returncode != 0:
        raise RuntimeError("%s -> %s: %s" % (" ".join(argv), proc.returncode, proc.stderr.strip()))
    return proc


def in_ns(*argv, **kwargs):
    return sh("ip", "netns", "exec", HOST, *argv, **kwargs)


def check(condition, what):
    print("  %s %s" % ("ok  " if condition else "FAIL", what), flush=True)
    if not condition:
        failures.append(what)


def remove_namespaces():
    existing = sh("ip", "netns", "list").stdout.split()
    for ns in (HOST, PEER):
        if ns in existing:
            sh("ip", "netns", "del", ns, check=False)


def kill_leftover_listener():
    if os.path.exists(PIDFILE):
        for pid in open(PIDFILE).read().split():
            try:
                with open("/proc/%s/cmdline" % pid) as handle:
                    if "tcp_listener.py" in handle.read():
                        os.kill(int(pid), signal.SIGKILL)
            except (IOError, OSError, ValueError):
                pass
        os.unlink(PIDFILE)


def make_host():
    """A fresh host namespace wired to the peer (also what a reboot looks like to nft)."""
    existing = sh("ip", "netns", "list").stdout.split()
    if HOST in existing:
        sh("ip", "netns", "del", HOST)
    sh("ip", "netns", "add", HOST)
    sh("ip", "-n", HOST, "link", "add", "veth0", "type", "veth", "peer", "name", "veth1", "netns", PEER)
    sh("ip", "-n", HOST, "addr", "add", "198.51.100.129/26", "dev", "veth0")
    for address in ("198.51.100.130/26", LEGACY + "/26", OTHER + "/26", BLOCKED + "/26"):
        sh("ip", "-n", PEER, "addr", "add", address, "dev", "veth1")
    for ns, dev in ((HOST, "veth0"), (PEER, "veth1")):
        sh("ip", "-n", ns, "link", "set", "lo", "up")
        sh("ip", "-n", ns, "link", "set", dev, "up")


def setup():
    sh("ip", "netns", "add", PEER)
    make_host()
    proc = subprocess.Popen(["ip", "netns", "exec", PEER, PYTHON, LISTENER, "443", "8443"],
                            stdout=subprocess.PIPE)
    listener.append(proc)
    with open(PIDFILE, "w") as handle:
        handle.write("%d\n" % proc.pid)
    proc.stdout.readline()


def reachable(address, port=443):
    code = "import socket,sys\ns=socket.create_connection((sys.argv[1],int(sys.argv[2])),timeout=1)\nsys.exit(0 if s.recv(3)==b'ok\\n' else 1)"
    return in_ns(PYTHON, "-c", code, address, str(port), check=False).returncode == 0


def traffic():
    return dict(legacy=reachable(LEGACY), other=reachable(OTHER), unrelated=reachable(LEGACY, 8443), blocked=reachable(BLOCKED))


class Lab(object):
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="zbp-")
        self.runs = 0
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
        self.runs += 1
        result_file = self.path("result-%d.json" % self.runs)
        variables = self.path("vars-%d.json" % self.runs)
        options = dict(destinations=[LEGACY], remove=True, backup_dir=self.path("backups"),
                       nftables_persist_path=self.path("conf.d/zerto_billing.nft"),
                       nftables_main_config=self.main, lock_path=self.path("egress.lock"))
        with open(variables, "w") as handle:
            json.dump({"entries": options, "result_file": result_file, "ansible_python_interpreter": PYTHON}, handle)
        argv = ["ansible-playbook", "-i", "localhost,", "-c", "local", os.path.join(HERE, "entries.yml"), "-e", "@" + variables]
        if check_mode:
            argv += ["--check", "--diff"]
        proc = in_ns(*argv, check=False)
        if not os.path.exists(result_file):
            raise RuntimeError("ansible-playbook wrote no result: %s %s" % (proc.stdout[-2000:], proc.stderr[-2000:]))
        with open(result_file) as handle:
            return json.load(handle)


def exercise(lab):
    in_ns("nft", "-f", lab.main)
    check(traffic() == dict(legacy=True, other=True, unrelated=True, blocked=False), "baseline: legacy, other member, unrelated pass; %s blocked" % BLOCKED)
    files0 = lab.files()
    ruleset0 = in_ns("nft", "list", "ruleset").stdout

    r = lab.entries(check_mode=True)
    edits = r.get("persisted_edits") or []
    check(not r.get("failed") and r.get("changed") and len(edits) == 2, "check mode plans two persisted edits: %s %s" % (edits, r.get("msg", "")))
    check(any(d.get("before_header") == lab.main for d in r.get("diff", [])), "check mode shows the config edit in the diff")
    check(lab.files() == files0 and not os.path.exists(lab.path("backups")), "check mode wrote nothing")
    check(in_ns("nft", "list", "ruleset").stdout == ruleset0, "check mode left the ruleset alone")

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
    in_ns("nft", "-f", lab.main)
    check(traffic() == dict(legacy=False, other=True, unrelated=True, blocked=False),
          "persisted config loaded into a fresh namespace: legacy stays blocked, other member and unrelated pass")

    for path, copy in copies.items():
        shutil.copyfile(copy, path)
    check(lab.files() == files0, "copying the backup's files back restores the original files exactly")
    make_host()
    in_ns("nft", "-f", lab.main)
    check(traffic()["legacy"], "the restored config allows the legacy destination again")


def main():
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *unused: sys.exit(1))
    started = time.time()
    remove_namespaces()
    kill_leftover_listener()
    lab = None
    try:
        setup()
        lab = Lab()
        exercise(lab)
    finally:
        for proc in listener:
            proc.kill()
            proc.wait()
        remove_namespaces()
        kill_leftover_listener()
        if lab:
            shutil.rmtree(lab.dir, ignore_errors=True)
    print("egress_entries_persist lab: %d checks failed, %.0f s" % (len(failures), time.time() - started))
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
