"""Files and readiness of the lab billing host: TLS endpoints, lab DNS, the upstream filter."""

import hashlib
import ipaddress
import json
import os
import shutil
import subprocess
import time

import lab_certs
from lab_podman import podman

# Endpoint name -> plan keys of its hostname and addresses.
ENDPOINTS = {
    "new": ("lab_new_host", "lab_new_addresses"),
    "legacy": ("lab_legacy_host", "lab_legacy_addresses"),
    "other": ("lab_other_host", "lab_other_addresses"),
}


def _write(path, text):
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


def write_files(plan, tools_dir):
    """Write everything the billing container mounts at /lab; returns that directory."""
    state = plan["lab_state_dir"]
    files = os.path.join(state, "billing")
    certs = os.path.join(files, "certs")
    os.makedirs(certs, exist_ok=True)
    ca = lab_certs.ensure_ca(os.path.dirname(plan["lab_ca_controller_path"]))
    prefix = ipaddress.ip_network(plan["lab_subnet"]).prefixlen

    endpoints, addresses, hosts = [], [], ["%s billing.lab.test" % plan["lab_dns_address"]]
    for name, (host_key, addresses_key) in ENDPOINTS.items():
        hostname, endpoint_addresses = plan[host_key], plan[addresses_key]
        lab_certs.ensure_server_cert(ca, certs, name, hostname, endpoint_addresses)
        for address in endpoint_addresses:
            endpoints.append(
                {
                    "name": name,
                    "address": address,
                    "port": 443,
                    "cert": f"/lab/certs/{name}.pem",
                    "key": f"/lab/certs/{name}.key",
                }
            )
            addresses.append(f"{address}/{prefix}")
            hosts.append(f"{address} {hostname}")

    new = ", ".join(plan["lab_new_addresses"])
    _write(os.path.join(files, "endpoints.json"), json.dumps(endpoints, indent=1) + "\n")
    _write(os.path.join(files, "addresses"), "\n".join(addresses) + "\n")
    _write(os.path.join(files, "hosts"), "\n".join(hosts) + "\n")
    _write(
        os.path.join(files, "upstream.nft"),
        (
            "# The site's upstream firewall: filters the new billing endpoint for some ZVM addresses.\n"
            "table inet lab_upstream {\n"
            "\tchain input {\n"
            "\t\ttype filter hook input priority filter; policy accept;\n"
            f"\t\tip saddr {plan['lab_upstream_blocked_cidr']} ip daddr {{ {new} }} drop\n"
            "\t}\n"
            "}\n"
        ),
    )
    _write(
        os.path.join(files, "dnsmasq.conf"),
        (
            "# Lab DNS: answers the lab names from /lab/hosts, NXDOMAIN for the rest, never forwards.\n"
            "no-resolv\nno-hosts\naddn-hosts=/lab/hosts\n"
            f"listen-address={plan['lab_dns_address']}\nbind-interfaces\n"
            "local=/#/\nuser=nobody\ngroup=nogroup\n"
            "pid-file=/run/dnsmasq.pid\nlog-facility=/var/log/dnsmasq.log\nlog-queries\n"
        ),
    )
    for script in ("billing_https.py", "billing_start.sh"):
        shutil.copy2(os.path.join(tools_dir, script), os.path.join(files, script))
    return files


def files_digest(files_dir):
    digest = hashlib.sha256()
    for root, _dirs, names in sorted(os.walk(files_dir)):
        for name in sorted(names):
            path = os.path.join(root, name)
            digest.update(os.path.relpath(path, files_dir).encode() + b"\0")
            with open(path, "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()[:16]


def wait_ready(plan, timeout=90.0):
    """Wait until every endpoint listens on 443 and the lab DNS on 53; fail at once if the host died."""
    container = plan["lab_billing_container"]
    wanted = {
        f"{a}:443" for key in ("lab_new_addresses", "lab_legacy_addresses", "lab_other_addresses") for a in plan[key]
    }
    wanted.add(f"{plan['lab_dns_address']}:53")
    deadline = time.monotonic() + timeout
    while True:
        if podman("inspect", "--format", "{{.State.Running}}", container, check=False).strip() != "true":
            raise SystemExit(f"billing host {container} exited while starting:\n{_diagnostics(container)}")
        listening = podman("exec", container, "ss", "-Hltn", check=False)
        local = {line.split()[3] for line in listening.splitlines() if len(line.split()) > 3}
        missing = wanted - local
        if not missing:
            return
        if time.monotonic() > deadline:
            raise SystemExit(f"billing host not ready, not listening on {sorted(missing)}:\n{_diagnostics(container)}")
        time.sleep(0.2)


def _diagnostics(container):
    state = podman("inspect", "--format", "status={{.State.Status}} exit={{.State.ExitCode}} {{.State.Error}}",
                   container, check=False)
    exec_check = subprocess.run(["podman", "exec", container, "true"], capture_output=True, text=True, check=False)
    logs = podman("logs", "--tail", "20", container, check=False)
    return f"{state.strip()}; exec: rc={exec_check.returncode} {exec_check.stderr.strip()}\nlogs:\n{logs}"
