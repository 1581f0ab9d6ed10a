#!/usr/bin/env bash
# `make demo`: build the probe lab and check the billing endpoints from the lab ZVM, the way an
# operator would before the upgrade. The lab stays up for a look around; `make demo-clean` removes it.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
state=/tmp/zerto-billing-demo
export ANSIBLE_COLLECTIONS_PATH="${ANSIBLE_COLLECTIONS_PATH:-$root/build}"
python3 "$root/tests/lab/probe_lab.py" up "$state"
ip netns exec zbl-zvm ansible-playbook -i "$root/tests/integration/targets/egress_probe/inventory.ini" \
  "$root/tests/lab/demo_probe.yml" -e "@$state/lab_vars.json"
cat <<TXT

The lab is still up: namespaces zbl-zvm (the ZVM), zbl-billing (endpoints, DNS), zbl-proxy (Squid).
Try:  ip netns exec zbl-zvm curl --cacert $state/pki/lab-ca.pem https://billing-new.lab.test/
Remove it with: make demo-clean
TXT
