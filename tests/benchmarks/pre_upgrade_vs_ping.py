"""Benchmark (not a test): `zerto_msp.billing.pre_upgrade` vs a ping-only playbook on 20 lab hosts.

Builds the podman lab fleet with 20 healthy ZVM hosts from fresh baselines (`lab.py up --hosts 20
--blocked 0 --recreate`), then times, with the same forks and the same inventory:
- a playbook with one task, ansible.builtin.ping, on the group zvm (Ansible's floor for touching
  every host once over the podman connection);
- `ansible-playbook zerto_msp.billing.pre_upgrade` as an operator runs it: egress_allow (resolve
  egress_rule resolving the name on the host, probe), the reports on the controller.
Prints both wall times and their ratio. Target: at most 3. Needs root, podman and the collection
in build/ (make collection); run from the repository root:
    .venv/bin/python tests/benchmarks/pre_upgrade_vs_ping.py [--forks 20] [--hosts 20]
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
LAB = os.path.join(REPO, "tests", "lab", "podman")
INVENTORY = os.path.join(REPO, ".cache", "lab", "inventory.yml")
BIN = os.path.dirname(sys.executable)
PING_PLAYBOOK = """---
- name: Ping every lab ZVM host
  hosts: zvm
  gather_facts: false
  tasks:
    - name: Ping
      ansible.builtin.ping:
"""


def timed_playbook(args, env):
    started = time.monotonic()
    result = subprocess.run([os.path.join(BIN, "ansible-playbook")] + args, env=env, capture_output=True,
                            text=True, check=False)
    elapsed = time.monotonic() - started
    if result.returncode != 0:
        sys.exit("ansible-playbook %s failed (%d):\n%s" % (" ".join(args), result.returncode, result.stdout[-3000:]))
    return elapsed


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--forks", type=int, default=20)
    args = parser.parse_args(argv)
    env = dict(os.environ, CONTAINERS_CONF=os.path.join(LAB, "containers.conf"), ANSIBLE_FORCE_COLOR="0",
               ANSIBLE_COLLECTIONS_PATH=os.path.join(REPO, "build") + ":" + os.path.join(
                   REPO, ".venv", "lib", "python3.11", "site-packages"))
    subprocess.run([sys.executable, os.path.join(LAB, "lab.py"), "up", "--hosts", str(args.hosts), "--blocked", "0",
                    "--recreate"], check=True, env=env)
    common = ["-i", INVENTORY, "--forks", str(args.forks)]
    with tempfile.TemporaryDirectory() as scratch:
        ping_playbook = os.path.join(scratch, "ping.yml")
        with open(ping_playbook, "w", encoding="utf-8") as handle:
            handle.write(PING_PLAYBOOK)
        timed_playbook(common + [ping_playbook], env)  # warm-up: connection plugin, caches
        ping = timed_playbook(common + [ping_playbook], env)
        pre_upgrade = timed_playbook(common + ["zerto_msp.billing.pre_upgrade", "-e", "@" + os.path.join(LAB, "playbook_vars.yml"),
                                               "-e", "zerto_billing_report_dir=" + os.path.join(scratch, "reports")], env)
    print("hosts %d, forks %d" % (args.hosts, args.forks))
    print("ping-only playbook: %.1f s" % ping)
    print("pre_upgrade:        %.1f s" % pre_upgrade)
    print("ratio:              %.2f (target: at most 3)" % (pre_upgrade / ping))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
