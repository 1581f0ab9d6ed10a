#!/usr/bin/env bash
# Removes the demo lab (make demo-clean): the ZVM API relays on the controller, then every lab
# container and the network (lab.py down). The lab CA, the image and the reports stay.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../../.." && pwd)
python=${PYTHON:-$repo/.venv/bin/python}
for pid_file in /var/lib/zerto-billing-lab/zvm_api/relay-*.pid; do
    [ -f "$pid_file" ] || continue
    kill "$(cat "$pid_file")" 2>/dev/null || true
    rm -f "$pid_file"
done
"$python" "$repo/tests/lab/podman/lab.py" down
