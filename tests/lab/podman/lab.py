#!/usr/bin/env python
"""The zerto-billing lab on podman.

  lab.py up [--hosts N] [--blocked K] [--recreate]
                                        build/refresh the lab (idempotent), write the inventory
  lab.py infra                          image, network and billing host only (Molecule's part)
  lab.py inventory [-o PATH]            write the Ansible inventory of the running lab
  lab.py check-address IP [--upstream-blocked]
                                        is IP free for a Molecule scenario's host
  lab.py status                         show the lab's network and containers
  lab.py down [--purge]                 remove every lab container and the network

The address plan and endpoint names are in group_vars/all/lab.json (also Molecule's group_vars).
"""

import argparse
import concurrent.futures
import hashlib
import ipaddress
import json
import os
import subprocess
import sys
import time

import lab_billing
import lab_inventory
from lab_podman import podman, podman_json, podman_ok

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
with open(os.path.join(HERE, "group_vars", "all", "lab.json"), encoding="utf-8") as _plan:
    PLAN = json.load(_plan)
DEFAULT_INVENTORY = os.path.join(REPO, ".cache", "lab", "inventory.yml")

VARIANTS = ("nftables", "iptables-nft", "iptables-legacy")
SHORT = {"nftables": "nft", "iptables-nft": "ipt-nft", "iptables-legacy": "ipt-legacy"}
# Address slices of the /26 (docs/lab.md has the whole plan). Molecule scenarios use others.
FLEET_FIRST, FLEET_LAST = "198.51.100.168", "198.51.100.190"
FLEET_BLOCKED = ("198.51.100.136", "198.51.100.137")
MOLECULE_FIRST, MOLECULE_LAST = "198.51.100.144", "198.51.100.167"
MOLECULE_BLOCKED_FIRST, MOLECULE_BLOCKED_LAST = "198.51.100.138", "198.51.100.143"
LAB_LABEL = "zerto.lab=1"


def address_range(first, last):
    start, end = ipaddress.ip_address(first), ipaddress.ip_address(last)
    return [str(ipaddress.ip_address(n)) for n in range(int(start), int(end) + 1)]


def sha(*parts):
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else str(part).encode())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def read(path):
    with open(path, "rb") as handle:
        return handle.read()


def fleet_plan(hosts, blocked):
    """[(inventory name, variant, address, upstream_blocked)] for `up --hosts N --blocked K`."""
    healthy = hosts - blocked
    addresses = address_range(FLEET_FIRST, FLEET_LAST)
    if blocked < 0 or blocked > min(hosts, len(FLEET_BLOCKED)) or healthy > len(addresses):
        sys.exit(
            f"--hosts must be at most {len(addresses) + len(FLEET_BLOCKED)}, --blocked between 0 "
            f"and {len(FLEET_BLOCKED)} and not more than --hosts"
        )
    plan = []
    for i in range(hosts):
        variant = VARIANTS[i % len(VARIANTS)] if i < healthy else VARIANTS[(i - healthy) % len(VARIANTS)]
        name = f"zvm{i + 1:02d}-{SHORT[variant]}"
        if i < healthy:
            plan.append((name, variant, addresses[i], False))
        else:
            plan.append((name + "-blocked", variant, FLEET_BLOCKED[i - healthy], True))
    return plan


def build_image():
    subprocess.run([os.path.join(HERE, "build_image.sh")], check=True)


BRIDGE_RECORD = os.path.join(PLAN["lab_state_dir"], "bridge")


def ensure_network():
    """Create the internal lab network; remember its bridge so `down` can remove it even if podman forgot it."""
    network = PLAN["lab_network"]
    existing = podman_json("network", "ls", "--filter", f"name=^{network}$")
    if existing:
        subnets = [s["subnet"] for s in existing[0].get("subnets", [])]
        if subnets != [PLAN["lab_subnet"]] or not existing[0].get("internal"):
            sys.exit(f"network {network} exists with {subnets}, not internal {PLAN['lab_subnet']}: run lab.py down")
        return
    gateway = str(next(ipaddress.ip_network(PLAN["lab_subnet"]).hosts()))
    podman(
        "network",
        "create",
        "--internal",
        "--disable-dns",
        "--label",
        LAB_LABEL,
        "--subnet",
        PLAN["lab_subnet"],
        "--gateway",
        gateway,
        network,
    )
    created = podman_json("network", "ls", "--filter", f"name=^{network}$")
    os.makedirs(PLAN["lab_state_dir"], exist_ok=True)
    with open(BRIDGE_RECORD, "w", encoding="ascii") as handle:
        handle.write(created[0]["network_interface"] + "\n")


def container_state(name):
    """(running, config label) of a container, or (False, None) when it does not exist."""
    found = podman_json("ps", "-a", "--filter", f"name=^{name}$")
    if not found:
        return False, None
    return found[0].get("State") == "running", found[0].get("Labels", {}).get("zerto.lab.config")


def run_container(name, hostname, address, config, labels, command=(), volumes=(), dns=None, recreate=False):
    """Start a lab container unless one with the same config is running. Returns True if (re)made."""
    running, current = container_state(name)
    if running and current == config and not recreate:
        return False
    if current is not None:
        podman("rm", "-f", "-t", "0", name)
    args = [
        "run",
        "-d",
        "--name",
        name,
        "--hostname",
        hostname,
        "--network",
        PLAN["lab_network"],
        "--ip",
        address,
        "--cap-add",
        "NET_ADMIN",
        "--cap-add",
        "NET_RAW",
        "--label",
        LAB_LABEL,
        "--label",
        f"zerto.lab.config={config}",
    ]
    for key, value in labels.items():
        args += ["--label", f"{key}={value}"]
    for volume in volumes:
        args += ["-v", volume]
    if dns:
        args += ["--dns", dns]
    podman(*args, PLAN["lab_image"], *command)
    return True


def image_id():
    return podman("image", "inspect", "--format", "{{.Id}}", PLAN["lab_image"]).strip()


def ensure_billing():
    files_dir = lab_billing.write_files(PLAN, HERE)
    config = sha(image_id(), lab_billing.files_digest(files_dir))
    made = run_container(
        PLAN["lab_billing_container"],
        "billing",
        PLAN["lab_dns_address"],
        config,
        {"zerto.lab.role": "billing"},
        command=["/lab/billing_start.sh"],
        volumes=[f"{files_dir}:/lab:ro"],
    )
    lab_billing.wait_ready(PLAN)
    return made


def apply_baseline(container, variant):
    legacy = ",".join(PLAN["lab_legacy_addresses"])
    if variant == "nftables":
        script, args = "baseline_nftables.sh", [PLAN["lab_dns_address"], legacy]
    else:
        script, args = "baseline_iptables.sh", [variant.split("-", 1)[1], PLAN["lab_dns_address"], legacy]
    with open(os.path.join(HERE, script), "rb") as handle:
        podman("exec", "-i", container, "sh", "-s", "--", *args, stdin=handle)


def install_ca(container):
    target = PLAN["lab_ca_path"]
    with open(PLAN["lab_ca_controller_path"], "rb") as handle:
        podman(
            "exec",
            "-i",
            container,
            "sh",
            "-c",
            f'mkdir -p "$(dirname {target})" && cat > {target}',
            stdin=handle,
        )


def ensure_zvm(name, variant, address, blocked, common, recreate):
    container = "zbl-" + name
    config = sha(common, variant, address, blocked)
    labels = {
        "zerto.lab.role": "zvm",
        "zerto.lab.owner": "lab.py",
        "zerto.lab.name": name,
        "zerto.lab.variant": variant,
        "zerto.lab.address": address,
        "zerto.lab.upstream_blocked": str(blocked).lower(),
    }
    if run_container(container, name, address, config, labels, dns=PLAN["lab_dns_address"], recreate=recreate):
        apply_baseline(container, variant)
        install_ca(container)
        with open(os.path.join(HERE, "ruleset_snapshot.py"), "rb") as handle:
            podman("exec", "-i", container, "python3", "-", "save", "baseline", variant, stdin=handle)
        return True
    return False


def remove_stale_fleet(wanted_names):
    for found in podman_json("ps", "-a", "--filter", "label=zerto.lab.owner=lab.py"):
        if found["Labels"].get("zerto.lab.name") not in wanted_names:
            podman("rm", "-f", "-t", "0", found["Id"])


def remove_dead_containers():
    """Remove lab containers that podman lists as running but whose processes are gone.

    Podman keeps its state on disk: when a machine session ends, its processes are killed and
    podman still lists them as up, so they would be kept and never answer.
    """
    listed = {c["Id"]: c["Names"][0] for c in podman_json("ps", "--filter", f"label={LAB_LABEL}")}
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        alive = dict(zip(listed, pool.map(lambda cid: podman_ok("exec", cid, "true"), listed)))
    dead = sorted(cid for cid, ok in alive.items() if not ok)
    if dead:
        podman("rm", "-f", "-t", "0", *dead)
        print(f"removed {len(dead)} lab containers whose processes were gone: {', '.join(listed[c] for c in dead)}")


def release_orphan_leases():
    """Delete CNI address leases held by containers podman no longer has (else `--ip` is refused)."""
    leases = f"/var/lib/cni/networks/{PLAN['lab_network']}"
    if not os.path.isdir(leases):
        return
    known = set(podman("ps", "-a", "--no-trunc", "--format", "{{.ID}}").split())
    for name in os.listdir(leases):
        try:
            ipaddress.ip_address(name)
        except ValueError:
            continue
        with open(os.path.join(leases, name), encoding="ascii", errors="replace") as handle:
            holder = handle.readline().strip()
        if holder not in known:
            os.remove(os.path.join(leases, name))
            print(f"released {name}: its lease was held by {holder[:12] or 'nobody'}, a container that no longer exists")


def ensure_infra():
    """Image, network and billing host: what every user of the lab shares. True if billing was (re)made."""
    build_image()
    remove_dead_containers()
    release_orphan_leases()
    ensure_network()
    return ensure_billing()


def cmd_infra(_args):
    started = time.monotonic()
    made = ensure_infra()
    print(f"lab infra up in {time.monotonic() - started:.1f}s: billing {'created' if made else 'kept'}")


def cmd_up(args):
    started = time.monotonic()
    billing_made = ensure_infra()
    plan = fleet_plan(args.hosts, args.blocked)
    remove_stale_fleet({host[0] for host in plan})
    common = sha(
        image_id(),
        read(PLAN["lab_ca_controller_path"]),
        json.dumps(PLAN, sort_keys=True),
        read(os.path.join(HERE, "baseline_nftables.sh")),
        read(os.path.join(HERE, "baseline_iptables.sh")),
        read(os.path.join(HERE, "ruleset_snapshot.py")),
    )
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        made = list(pool.map(lambda host: ensure_zvm(*host, common, args.recreate), plan))
    path = lab_inventory.write(args.inventory, PLAN, REPO)
    print(
        f"lab up in {time.monotonic() - started:.1f}s: billing {'created' if billing_made else 'kept'}, "
        f"{sum(made)} of {len(plan)} ZVM hosts created; inventory {path}"
    )


def cmd_check_address(args):
    """Molecule's create: is this platform address one that Molecule scenarios may use?"""
    if args.upstream_blocked:
        allowed = address_range(MOLECULE_BLOCKED_FIRST, MOLECULE_BLOCKED_LAST)
        kind = "an upstream-blocked"
    else:
        allowed = address_range(MOLECULE_FIRST, MOLECULE_LAST)
        kind = "a"
    if args.address not in allowed:
        sys.exit(f"{args.address} is not {kind} Molecule address: use {allowed[0]} to {allowed[-1]} (docs/lab.md)")


def cmd_inventory(args):
    print(lab_inventory.write(args.output, PLAN, REPO))


def cmd_status(_args):
    for net in podman_json("network", "ls", "--filter", f"name=^{PLAN['lab_network']}$"):
        print(f"network {net['name']}: {[s['subnet'] for s in net.get('subnets', [])]} internal={net.get('internal')}")
    for found in podman_json("ps", "-a", "--filter", f"label={LAB_LABEL}"):
        labels = found.get("Labels", {})
        print(
            f"{found['Names'][0]:32} {found['State']:8} {labels.get('zerto.lab.role', '?'):8} "
            f"{labels.get('zerto.lab.variant', ''):16} {labels.get('zerto.lab.address', '')}"
        )


def cmd_down(args):
    network = PLAN["lab_network"]
    ids = {c["Id"] for c in podman_json("ps", "-a", "--filter", f"label={LAB_LABEL}")}
    ids |= {c["Id"] for c in podman_json("ps", "-a", "--filter", f"network={network}")}
    if ids:
        podman("rm", "-f", "-t", "0", *sorted(ids))
    bridges = {net.get("network_interface") for net in podman_json("network", "ls", "--filter", f"name=^{network}$")}
    if os.path.exists(BRIDGE_RECORD):
        with open(BRIDGE_RECORD, encoding="ascii") as handle:
            bridges.add(handle.read().strip())
    podman("network", "rm", "-f", network, check=False)
    for bridge in filter(None, bridges):
        if os.path.exists(f"/sys/class/net/{bridge}"):
            subprocess.run(["ip", "link", "delete", bridge], check=False)
    if os.path.exists(BRIDGE_RECORD):
        os.remove(BRIDGE_RECORD)
    # host-local IPAM leases survive an aborted run and would refuse the same static addresses.
    subprocess.run(["rm", "-rf", f"/var/lib/cni/networks/{network}"], check=True)
    if args.purge:
        subprocess.run(["rm", "-rf", PLAN["lab_state_dir"], os.path.join(REPO, ".cache", "lab"),
                        os.environ.get("LAB_CACHE_DIR", "/var/cache/zerto-billing-lab")], check=True)
    print(f"lab down: {len(ids)} containers removed, network {network} removed")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="build or refresh the lab")
    up.add_argument("--hosts", type=int, default=4, help="ZVM hosts in the fleet (default 4)")
    up.add_argument("--blocked", type=int, default=1, help="how many of them are blocked upstream (default 1)")
    up.add_argument("--recreate", action="store_true", help="recreate the ZVM hosts (fresh baseline)")
    up.add_argument("--inventory", default=DEFAULT_INVENTORY, help="where to write the inventory")
    up.set_defaults(func=cmd_up)
    sub.add_parser("infra", help="image, network and billing host only (what Molecule needs)").set_defaults(
        func=cmd_infra
    )
    check = sub.add_parser("check-address", help="fail unless ADDRESS is in the Molecule slice of the plan")
    check.add_argument("address")
    check.add_argument("--upstream-blocked", action="store_true")
    check.set_defaults(func=cmd_check_address)
    inventory = sub.add_parser("inventory", help="write the inventory of the running lab")
    inventory.add_argument("-o", "--output", default=DEFAULT_INVENTORY)
    inventory.set_defaults(func=cmd_inventory)
    sub.add_parser("status", help="show the lab").set_defaults(func=cmd_status)
    down = sub.add_parser("down", help="remove the lab")
    down.add_argument("--purge", action="store_true", help="also delete the lab CA, state and cached tarball")
    down.set_defaults(func=cmd_down)
    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
