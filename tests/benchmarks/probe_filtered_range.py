"""Benchmark: probe a /24 whose every address is dropped upstream.

Prints wall time / floor, where floor = ceil(N / max_workers) * timeout (N addresses probed).
Target: at most 1.2. Builds its own namespaces (zbb-client, zbb-router); nothing leaves them.

    probe_filtered_range.py [--timeout 2] [--workers 64] [--runs 3]
"""

import argparse
import math
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tests", "lab"))
sys.path.insert(0, os.path.join(ROOT, "tests", "unit"))

import netns  # noqa: E402

CLIENT, ROUTER, SWITCH = "zbb-client", "zbb-router", "zbb-switch"
CLIENT_IP, ROUTER_IP, RANGE = "198.51.100.1", "198.51.100.254", "198.51.100.0/24"
UPSTREAM_DROP = "table inet upstream { chain pre { type filter hook prerouting priority -300; tcp dport 443 drop; }; }"


def build():
    teardown()
    netns.add_switch(SWITCH)
    netns.add_host(CLIENT, SWITCH, [CLIENT_IP], 32)
    netns.add_host(ROUTER, SWITCH, [ROUTER_IP], 32)
    netns.in_ns(CLIENT, "ip", "route", "add", ROUTER_IP, "dev", "eth0")
    netns.in_ns(CLIENT, "ip", "route", "add", RANGE, "via", ROUTER_IP)
    netns.in_ns(ROUTER, "ip", "route", "add", CLIENT_IP, "dev", "eth0")
    netns.nft(ROUTER, UPSTREAM_DROP)


def teardown():
    for ns in (CLIENT, ROUTER, SWITCH):
        netns.delete(ns)


def inner(timeout, workers):
    """Runs inside the client namespace: the module's own probing engine, timed."""
    import conftest  # noqa: F401  (puts ansible_collections.zerto_msp.billing on the path)
    from ansible_collections.zerto_msp.billing.plugins.module_utils.probe import inputs, runner, tls

    endpoint = inputs.parse_url("https://billing.lab.test/")
    addresses = inputs.expand(inputs.parse_networks([RANGE]), 4096)
    settings = runner.Settings(endpoint, timeout, tls.make_context(True, None))
    started = time.monotonic()
    results = runner.probe_all(settings, addresses, workers)
    elapsed = time.monotonic() - started
    classes = {}
    for result in results:
        classes[result["error_class"]] = classes.get(result["error_class"], 0) + 1
    floor = math.ceil(len(addresses) / float(workers)) * timeout
    print("addresses=%d workers=%d timeout=%.1fs wall=%.2fs floor=%.1fs ratio=%.3f classes=%s" % (
        len(addresses), workers, timeout, elapsed, floor, elapsed / floor, classes))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--timeout", type=float, default=2.0)
    parser.add_argument("--workers", type=int, default=64)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        inner(args.timeout, args.workers)
        return
    build()
    try:
        for _run in range(args.runs):
            subprocess.run(["ip", "netns", "exec", CLIENT, sys.executable, os.path.abspath(__file__), "--inner",
                            "--timeout", str(args.timeout), "--workers", str(args.workers)], check=True)
    finally:
        teardown()


if __name__ == "__main__":
    main()
