#!/usr/bin/env bash
# Build the probe lab, run the target inside the lab ZVM's namespace, always tear down.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../.." && pwd)
state=$(mktemp -d /tmp/zbl-probe.XXXXXX)
trap 'python3 "$root/tests/lab/probe_lab.py" down "$state"' EXIT
python3 "$root/tests/lab/probe_lab.py" up "$state"
ip netns exec zbl-zvm ansible-playbook -i "$here/inventory.ini" "$here/runme.yml" -e "@$state/lab_vars.json" "$@"
