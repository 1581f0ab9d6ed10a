"""Snapshot and compare the state of a ufw, firewalld or Squid lab host (runs on the host, stdlib only).

  python3 backend_snapshot.py save NAME BACKEND
  python3 backend_snapshot.py compare NAME BACKEND

BACKEND is ufw, firewalld or squid. A snapshot holds what the backend keeps and what it runs:
ufw's rule files and status with the live iptables/ip6tables rules (no counters); firewalld's
permanent configuration files, runtime and permanent policies and ipsets, and the live nftables
ruleset; every file under /etc/squid. `compare` exits 1 and prints the differences.
(ruleset_snapshot.py does the same for the nftables and iptables variants.)
"""

import difflib
import json
import os
import re
import subprocess
import sys

SNAPSHOT_DIR = "/var/lib/zerto-billing-lab/snapshots"
FIREWALLD_DIRS = ("/etc/firewalld/zones", "/etc/firewalld/policies", "/etc/firewalld/ipsets")


def run(argv):
    return subprocess.run(argv, check=True, capture_output=True, text=True).stdout.splitlines()


def files_under(*tops):
    found = {}
    for top in tops:
        for directory, _dirs, names in os.walk(top):
            for name in sorted(names):
                path = os.path.join(directory, name)
                with open(path, encoding="utf-8", errors="replace") as handle:
                    found[path] = handle.read().splitlines()
    return found


def iptables_rules(tool):
    return [re.sub(r" \[\d+:\d+\]$", "", line) for line in run([tool]) if not line.startswith("#")]


def take_ufw():
    live = {tool: iptables_rules(tool) for tool in ("iptables-save", "ip6tables-save")}
    live["ufw status verbose"] = run(["ufw", "status", "verbose"])
    return {"live": live, "files": files_under("/etc/ufw")}


def take_firewalld():
    live = {"nft list ruleset": run(["nft", "list", "ruleset"])}
    for view in ([], ["--permanent"]):
        prefix = ["firewall-cmd"] + view
        live[" ".join(prefix + ["--list-all-policies"])] = run(prefix + ["--list-all-policies"])
        for name in " ".join(run(prefix + ["--get-ipsets"])).split():
            live[" ".join(prefix + ["--info-ipset=" + name])] = run(prefix + ["--info-ipset=" + name])
    return {"live": live, "files": files_under(*FIREWALLD_DIRS)}


def take_squid():
    return {"files": files_under("/etc/squid")}


TAKE = {"ufw": take_ufw, "firewalld": take_firewalld, "squid": take_squid}


def as_lines(snapshot):
    return json.dumps(snapshot, indent=1, sort_keys=True).splitlines()


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("save", "compare") or sys.argv[3] not in TAKE:
        sys.exit(__doc__)
    action, name, backend = sys.argv[1:4]
    path = os.path.join(SNAPSHOT_DIR, f"{backend}-{name}.json")
    now = TAKE[backend]()
    if action == "save":
        os.makedirs(SNAPSHOT_DIR, exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(now, handle, indent=1, sort_keys=True)
        print(f"saved {path}")
        return
    with open(path, encoding="utf-8") as handle:
        saved = json.load(handle)
    diff = list(difflib.unified_diff(as_lines(saved), as_lines(now), name, "now", lineterm=""))
    if diff:
        print("\n".join(diff))
        sys.exit(1)
    print(f"same as {name}")


if __name__ == "__main__":
    main()
