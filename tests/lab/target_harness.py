"""What the integration targets' namespace-lab scripts (tests/integration/targets/*/lab_*.py) share:
the ok/FAIL check list, the frame of a run (signals, teardown before and after, a scratch directory, the
"N checks failed" summary), running a module through ansible-playbook inside a namespace or sandbox,
lab peers (tcp_listener.py, tls_endpoints.py) and probing them from the managed host.

Standard library only (and netns.py beside it)."""

import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

import netns

LAB = os.path.dirname(os.path.abspath(__file__))
ROLLBACK = os.path.join(LAB, "..", "integration", "playbooks", "legacy_cleanup_rollback.yml")
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable

failures = []
_run_numbers = itertools.count(1)


def check(condition, what):
    print("  %s %s" % ("ok  " if condition else "FAIL", what), flush=True)
    if not condition:
        failures.append(what)


def check_refused(result, extra, words):
    """A run with bad input `extra` fails with a message naming every one of `words`."""
    msg = result.get("msg", "")
    check(result.get("failed") and all(w in msg for w in words), "%s fails naming %s: %s" % (extra, words, msg))


def check_two_concurrent_runs(run):
    """run() twice at once: the module's lock lets both succeed and exactly one change."""
    results = []
    threads = [threading.Thread(target=lambda: results.append(run())) for unused in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    outcomes = [r.get("msg", r.get("changed")) for r in results]
    check(all(not r.get("failed") for r in results) and sum(bool(r.get("changed")) for r in results) == 1,
          "two concurrent runs: both succeed, exactly one changes (%s)" % outcomes)


def check_rollback(run, state):
    """Runs legacy_cleanup's rollback entry point through run(check_mode): in check mode first, which must
    leave state() as it was, then for real; returns the result of the real run."""
    before = state()
    r = run(True)
    check(not r.get("failed") and state() == before, "check-mode rollback changes nothing: %s" % r.get("msg", ""))
    return run(False)


def run_lab(name, teardown, build, stages, scratch_prefix, machine=None):
    """Runs a lab script and returns its exit status: lab = build(scratch directory), then stage(lab) for
    each of `stages`. teardown() clears what an aborted run left before anything is built, and runs again
    at the end however the stages end (SIGINT and SIGTERM included). machine, if given, is (fingerprint,
    what): fingerprint() before the lab and once it is torn down are checked equal."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *unused: sys.exit(1))
    started = time.time()
    machine0 = machine[0]() if machine else None
    teardown()
    directory = tempfile.mkdtemp(prefix=scratch_prefix)
    try:
        lab = build(directory)
        for stage in stages:
            stage(lab)
    finally:
        teardown()
        shutil.rmtree(directory, ignore_errors=True)
    if machine:
        check(machine[0]() == machine0, machine[1])
    print("%s lab: %d checks failed, %.0f s" % (name, len(failures), time.time() - started))
    if failures:
        print("FAILED:\n  " + "\n  ".join(failures))
        return 1
    return 0


# --- commands -------------------------------------------------------------------------------
def sh(*argv, **kwargs):
    """Runs argv with text output; unless check=False, a failure raises with the command's stderr."""
    must_succeed = kwargs.pop("check", True)
    proc = subprocess.run(list(argv), stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, check=False,
                          **kwargs)
    if must_succeed and proc.returncode != 0:
        raise RuntimeError("%s -> %s: %s" % (" ".join(argv), proc.returncode, proc.stderr.strip()))
    return proc


def in_ns(ns, *argv, **kwargs):
    return sh("ip", "netns", "exec", ns, *argv, **kwargs)


def run_playbook(execute, directory, playbook, variables, check_mode=False):
    """Runs `playbook` on localhost through execute(*argv, check=False) (in_ns bound to a namespace, or
    a sandbox's run) with `variables` plus result_file, and returns the result it wrote there."""
    number = next(_run_numbers)
    result_file = os.path.join(directory, "result-%d.json" % number)
    vars_file = os.path.join(directory, "vars-%d.json" % number)
    with open(vars_file, "w") as handle:
        json.dump(dict(variables, result_file=result_file, ansible_python_interpreter=PYTHON), handle)
    argv = ["ansible-playbook", "-i", "localhost,", "-c", "local", playbook, "-e", "@" + vars_file]
    if check_mode:
        argv += ["--check", "--diff"]
    proc = execute(*argv, check=False)
    if not os.path.exists(result_file):
        raise RuntimeError("ansible-playbook wrote no result: %s %s" % (proc.stdout[-2000:], proc.stderr[-2000:]))
    with open(result_file) as handle:
        return json.load(handle)


def read_files(directory, names):
    """{name: text} of those of `names` (relative to directory) that exist."""
    found = {}
    for name in names:
        path = os.path.join(directory, name)
        if os.path.exists(path):
            with open(path) as handle:
                found[name] = handle.read()
    return found


# --- lab hosts and peers --------------------------------------------------------------------
def link(host, host_address, peer, peer_addresses):
    """A veth pair from namespace `host` (veth0) to namespace `peer` (veth1), both up; CIDR addresses."""
    sh("ip", "-n", host, "link", "add", "veth0", "type", "veth", "peer", "name", "veth1", "netns", peer)
    sh("ip", "-n", host, "addr", "add", host_address, "dev", "veth0")
    for address in peer_addresses:
        sh("ip", "-n", peer, "addr", "add", address, "dev", "veth1")
    for ns, dev in ((host, "veth0"), (peer, "veth1")):
        sh("ip", "-n", ns, "link", "set", "lo", "up")
        sh("ip", "-n", ns, "link", "set", dev, "up")


class Listeners(object):
    """tcp_listener.py peers. Their pids also go to `pidfile` so that stop() kills those an aborted
    run left behind (a deleted namespace does not end its processes)."""

    def __init__(self, pidfile):
        self.pidfile = pidfile
        self.procs = []

    def start(self, ns, *ports):
        proc = subprocess.Popen(["ip", "netns", "exec", ns, PYTHON, os.path.join(LAB, "tcp_listener.py")]
                                + [str(port) for port in ports], stdout=subprocess.PIPE)
        self.procs.append(proc)
        with open(self.pidfile, "a") as handle:
            handle.write("%d\n" % proc.pid)
        proc.stdout.readline()

    def stop(self):
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        if not os.path.exists(self.pidfile):
            return
        for pid in open(self.pidfile).read().split():
            try:
                with open("/proc/%s/cmdline" % pid) as handle:
                    if "tcp_listener.py" in handle.read():
                        os.kill(int(pid), signal.SIGKILL)
            except (IOError, OSError, ValueError):
                pass
        os.unlink(self.pidfile)


def serve_tls(ns, endpoints, directory):
    """tls_endpoints.py in `ns` serving `endpoints` (its JSON spec), once every one accepts connections."""
    spec = os.path.join(directory, "endpoints.json")
    with open(spec, "w") as handle:
        json.dump(endpoints, handle)
    netns.spawn(ns, [PYTHON, os.path.join(LAB, "tls_endpoints.py"), spec], os.path.join(directory, "endpoints.log"))
    for entry in endpoints:
        netns.wait_for_port(ns, entry["address"], entry["port"])


class SandboxLab(object):
    """A managed host whose firewall runs in a sandbox, and a peer serving TLS (lab CA, IP SANs), each a
    network namespace on a switch. A subclass names them in the class attributes below and makes the
    sandbox in start_sandbox(); module runs go through the sandbox's run(*argv, check)."""

    switch = host = peer = host_address = None
    endpoints = ()  # (address, port) the peer serves
    legacy = ()  # egress_entries' destinations unless a run names others
    playbooks = None  # the target's directory
    ca_class = None  # lab_ca.LabCA (not imported here: it needs the cryptography package)

    @classmethod
    def main(cls, name, stages, machine):
        """run_lab() with this lab: set up, then `stages`."""
        return run_lab(name, cls.teardown, cls, (cls.setup,) + tuple(stages), cls.host + "-", machine)

    @classmethod
    def teardown(cls):
        for ns in (cls.host, cls.peer, cls.switch):
            netns.delete(ns)

    def __init__(self, directory):
        self.dir = directory
        self.ca = self.ca_class(os.path.join(directory, "ca"))
        self.sandbox = None

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def setup(self):
        addresses = list(dict.fromkeys(address for address, unused in self.endpoints))
        netns.add_switch(self.switch)
        netns.add_host(self.host, self.switch, [self.host_address], 24)
        netns.add_host(self.peer, self.switch, addresses, 24)
        cert, key = self.ca.issue("billing", addresses)
        serve_tls(self.peer, [dict(address=a, port=p, cert=cert, key=key) for a, p in self.endpoints], self.dir)
        self.sandbox = self.start_sandbox()

    def start_sandbox(self):
        raise NotImplementedError

    def reachable(self, address, port=443):
        return tls_reachable(self.host, address, port, self.ca.ca_path)

    def run(self, check_mode=False, playbook="module.yml", var="egress", **options):
        options.setdefault("lock_path", self.path("egress.lock"))
        playbook = os.path.join(self.playbooks, playbook)
        return run_playbook(self.sandbox.run, self.dir, playbook, {var: options}, check_mode)

    def entries(self, check_mode=False, **options):
        options.setdefault("destinations", list(self.legacy))
        options.setdefault("backup_dir", self.path("backups"))
        return self.run(check_mode, "entries.yml", "entries", **options)

    def rollback(self, check_mode, **options):
        return self.run(check_mode, ROLLBACK, "rollback", **options)


def tcp_reachable(ns, address, port=443):
    """From `ns`, a connection to address:port gets tcp_listener.py's "ok"."""
    code = "import socket,sys\ns=socket.create_connection((sys.argv[1],int(sys.argv[2])),timeout=1)\nsys.exit(0 if s.recv(3)==b'ok\\n' else 1)"
    return in_ns(ns, PYTHON, "-c", code, address, str(port), check=False).returncode == 0


def tls_reachable(ns, address, port, cafile):
    """From `ns`, a TLS handshake with address:port (CA `cafile`, IP SAN) and an HTTP 200 answer."""
    code = ("import socket,ssl,sys\nc=ssl.create_default_context(cafile=sys.argv[3])\n"
            "s=c.wrap_socket(socket.create_connection((sys.argv[1],int(sys.argv[2])),timeout=1.5),server_hostname=sys.argv[1])\n"
            "s.sendall(b'GET / HTTP/1.0\\r\\n\\r\\n')\nsys.exit(0 if s.recv(12).startswith(b'HTTP/1.0 200') else 1)")
    return in_ns(ns, PYTHON, "-c", code, address, str(port), cafile, check=False).returncode == 0
