"""Benchmark (not a test): cost of applying an nftables allow for 1,000 CIDRs vs 1 CIDR.

Inside a throw-away network namespace `zbr-bench` whose baseline is a default-deny output chain,
measures two things, median of several rounds, each apply undone (untimed) before the next:
- the module: one run of plugins/modules/egress_rule.py as the managed host runs it (its own
  Python process: read the ruleset, plan, one `nft -f` transaction, exit JSON). This is the
  figure the target (ratio at most 2) is about.
- the backend core alone (read, plan, apply, no process start), to show where per-CIDR cost
  goes: destinations go into one named interval set, not one rule each, so what grows is
  Python address handling and nft's set parsing, a few milliseconds per thousand.

The 1,000 CIDRs are non-adjacent /48s of the IPv6 documentation prefix 2001:db8::/32: the lab's
IPv4 share (198.51.100.64/26) holds only 64 addresses. They are set elements only: no address,
route or traffic uses them. Needs root; run from the repository root:
    .venv/bin/python tests/benchmarks/nft_apply_scaling.py
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

NS = "zbr-bench"
ROUNDS = 7
BASELINE = """flush ruleset
table inet admin {
    chain output {
        type filter hook output priority filter; policy drop;
        oif "lo" accept
        ct state established,related accept
        counter reject
    }
}
"""


def importable_collection():
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    base = tempfile.mkdtemp(prefix="zbr-bench-")
    os.makedirs(os.path.join(base, "ansible_collections", "zerto_msp"))
    os.symlink(root, os.path.join(base, "ansible_collections", "zerto_msp", "billing"))
    sys.path.insert(0, base)
    return base


class NamespaceRunner(object):
    def which(self, name):
        return shutil.which(name)

    def run(self, argv, data=None, check=True):
        proc = subprocess.run(["ip", "netns", "exec", NS] + list(argv), input=data,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, check=False)
        if check and proc.returncode:
            raise RuntimeError("%s: %s" % (" ".join(argv), proc.stderr))
        return proc.returncode, proc.stdout, proc.stderr


def timed_apply(backend, spec):
    started = time.perf_counter()
    plan = backend.plan_allow(backend.read_state(), spec)
    backend.apply(plan)
    elapsed = time.perf_counter() - started
    backend.apply(backend.plan_revoke(backend.read_state()))
    return elapsed


def timed_module(scratch, destinations):
    args = os.path.join(scratch, "args.json")
    options = {"destinations": destinations, "backend": "nftables", "persist": False,
               "lock_path": os.path.join(scratch, "bench.lock")}
    module = os.path.join(os.path.dirname(__file__), "..", "..", "plugins", "modules", "egress_rule.py")
    env = dict(os.environ, PYTHONPATH=scratch)
    timings = []
    for state in ("present", "absent"):
        options["state"] = state
        with open(args, "w") as handle:
            json.dump({"ANSIBLE_MODULE_ARGS": options}, handle)
        started = time.perf_counter()
        proc = subprocess.run(["ip", "netns", "exec", NS, sys.executable, module, args], env=env,
                              stdout=subprocess.PIPE, universal_newlines=True, check=False)
        timings.append(time.perf_counter() - started)
        result = json.loads(proc.stdout)
        if result.get("failed") or not result.get("changed"):
            raise RuntimeError("module run did not change anything: %s" % result)
    return timings[0]


def main():
    scratch = importable_collection()
    from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.base import EgressSpec
    from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.destinations import parse_destinations
    from ansible_collections.zerto_msp.billing.plugins.module_utils.egress.nftables import NftablesBackend

    one = EgressSpec(parse_destinations(["2001:db8:2::/48"]))
    thousand = EgressSpec(parse_destinations(["2001:db8:%x::/48" % (2 * i) for i in range(1, 1001)]))
    assert len(thousand.networks) == 1000
    subprocess.run(["ip", "netns", "del", NS], stderr=subprocess.DEVNULL, check=False)
    subprocess.run(["ip", "netns", "add", NS], check=True)
    try:
        runner = NamespaceRunner()
        runner.run(["nft", "-f", "-"], data=BASELINE)
        backend = NftablesBackend(runner)
        one_text = [str(n) for n in one.networks]
        thousand_text = [str(n) for n in thousand.networks]
        timed_apply(backend, one)  # warm-up
        timed_module(scratch, one_text)
        times = dict((key, []) for key in ("module 1", "module 1000", "core 1", "core 1000"))
        for unused in range(ROUNDS):
            times["module 1"].append(timed_module(scratch, one_text))
            times["module 1000"].append(timed_module(scratch, thousand_text))
            times["core 1"].append(timed_apply(backend, one))
            times["core 1000"].append(timed_apply(backend, thousand))
    finally:
        subprocess.run(["ip", "netns", "del", NS], check=False)
        shutil.rmtree(scratch, ignore_errors=True)
    median = dict((key, statistics.median(values)) for key, values in times.items())
    ratio = median["module 1000"] / median["module 1"]
    print("egress_rule module apply, median of %d: 1 CIDR %.0f ms, 1,000 CIDRs %.0f ms, ratio %.2f (target <= 2)"
          % (ROUNDS, median["module 1"] * 1000, median["module 1000"] * 1000, ratio))
    print("backend core only (read, plan, nft -f): 1 CIDR %.1f ms, 1,000 CIDRs %.1f ms, ratio %.2f"
          % (median["core 1"] * 1000, median["core 1000"] * 1000, median["core 1000"] / median["core 1"]))
    return 0 if ratio <= 2 else 1


if __name__ == "__main__":
    sys.exit(main())
