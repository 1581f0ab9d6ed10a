"""Snapshot and compare a lab host's firewall (runs on the host, standard library only).

  python3 ruleset_snapshot.py save NAME VARIANT
  python3 ruleset_snapshot.py compare NAME VARIANT [--foreign-only]

VARIANT is the host's lab_variant: nftables, iptables-nft or iptables-legacy (the live ruleset, nft
JSON or iptables-save / ip6tables-save of the variant without counters, and the persisted
configuration files); ufw (its rule files and status with the live iptables/ip6tables rules);
firewalld (its permanent configuration files, runtime and permanent policies and ipsets, and the
live nftables ruleset); squid (every file under /etc/squid). `compare` exits 1 and prints the
differences when the host no longer matches; with --foreign-only (nftables and iptables variants),
entries zerto_msp.billing owns are left out on both sides, so the check is "every rule the
collection does not own is as it was".
"""

import difflib
import json
import os
import re
import subprocess
import sys

SNAPSHOT_DIR = "/var/lib/zerto-billing-lab/snapshots"
OWNED_MARK = "zerto_msp.billing"
OWNED_SET_PREFIX = "zerto_billing"
FILES = {
    "nftables": ["/etc/nftables.conf"],
    "iptables-nft": ["/etc/iptables/rules.v4", "/etc/iptables/rules.v6"],
    "iptables-legacy": ["/etc/iptables/rules.v4", "/etc/iptables/rules.v6"],
}
FIREWALLD_DIRS = ("/etc/firewalld/zones", "/etc/firewalld/policies", "/etc/firewalld/ipsets")


def run(argv):
    return subprocess.run(argv, check=True, capture_output=True, text=True).stdout


def nft_objects():
    """Tables, chains, sets and rules in order; handles dropped (a reload renumbers them)."""
    objects = json.loads(run(["nft", "-j", "-s", "list", "ruleset"]))["nftables"]
    kept = []
    for obj in objects:
        if "metainfo" in obj:
            continue
        for body in obj.values():
            body.pop("handle", None)
        kept.append(obj)
    return kept


def iptables_text(tool):
    lines = []
    for line in run([tool]).splitlines():
        if line.startswith("#"):
            continue
        lines.append(re.sub(r" \[\d+:\d+\]$", "", line))
    return lines


def read_file(path):
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as handle:
        return handle.read().splitlines()


def files_under(*tops):
    found = {}
    for top in tops:
        for directory, _dirs, names in os.walk(top):
            for name in sorted(names):
                path = os.path.join(directory, name)
                with open(path, encoding="utf-8", errors="replace") as handle:
                    found[path] = handle.read().splitlines()
    return found


def take_ruleset(variant):
    if variant == "nftables":
        live = {"nft": nft_objects()}
    else:
        backend = variant.split("-", 1)[1]
        live = {tool: iptables_text(f"{tool}-{backend}-save") for tool in ("iptables", "ip6tables")}
    return {"live": live, "files": {path: read_file(path) for path in FILES[variant]}}


def take_ufw(_variant):
    live = {tool: iptables_text(tool) for tool in ("iptables-save", "ip6tables-save")}
    live["ufw status verbose"] = run(["ufw", "status", "verbose"]).splitlines()
    return {"live": live, "files": files_under("/etc/ufw")}


def take_firewalld(_variant):
    live = {"nft list ruleset": run(["nft", "list", "ruleset"]).splitlines()}
    for view in ([], ["--permanent"]):
        prefix = ["firewall-cmd"] + view
        live[" ".join(prefix + ["--list-all-policies"])] = run(prefix + ["--list-all-policies"]).splitlines()
        for name in run(prefix + ["--get-ipsets"]).split():
            live[" ".join(prefix + ["--info-ipset=" + name])] = run(prefix + ["--info-ipset=" + name]).splitlines()
    return {"live": live, "files": files_under(*FIREWALLD_DIRS)}


def take_squid(_variant):
    return {"live": {}, "files": files_under("/etc/squid")}


TAKE = dict({variant: take_ruleset for variant in FILES}, ufw=take_ufw, firewalld=take_firewalld, squid=take_squid)


def owned_nft(obj):
    if "set" in obj:
        return obj["set"].get("name", "").startswith(OWNED_SET_PREFIX)
    if "rule" in obj:
        return OWNED_MARK in obj["rule"].get("comment", "")
    return False


def foreign(snapshot):
    """The snapshot without the collection's entries (live rules, sets, persisted lines)."""
    live = {}
    for key, value in snapshot["live"].items():
        if key == "nft":
            live[key] = [obj for obj in value if not owned_nft(obj)]
        else:
            live[key] = [line for line in value if OWNED_MARK not in line]
    files = {}
    for path, lines in snapshot["files"].items():
        if lines is None:
            files[path] = None
            continue
        kept = [line for line in lines if OWNED_MARK not in line and "zerto_billing" not in line]
        while kept and not kept[-1].strip():
            kept.pop()
        files[path] = kept
    return {"live": live, "files": files}


def as_lines(snapshot):
    return json.dumps(snapshot, indent=1, sort_keys=True).splitlines()


def main():
    if len(sys.argv) < 4 or sys.argv[1] not in ("save", "compare") or sys.argv[3] not in TAKE:
        sys.exit(__doc__)
    action, name, variant = sys.argv[1:4]
    path = os.path.join(SNAPSHOT_DIR, name + ".json")
    now = TAKE[variant](variant)
    if action == "save":
        os.makedirs(SNAPSHOT_DIR, exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(now, handle, indent=1, sort_keys=True)
        print(f"saved {path}")
        return
    with open(path, encoding="utf-8") as handle:
        saved = json.load(handle)
    if "--foreign-only" in sys.argv:
        saved, now = foreign(saved), foreign(now)
    diff = list(difflib.unified_diff(as_lines(saved), as_lines(now), name, "now", lineterm=""))
    if diff:
        print("\n".join(diff))
        sys.exit(1)
    print(f"same as {name}")


if __name__ == "__main__":
    main()
