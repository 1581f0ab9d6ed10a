#!/usr/bin/env bash
# Removes the demo lab (make demo-clean): the ZVM API relays on the controller, then every lab
# container and the network (lab.py down). The lab CA, the image and the reports stay.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../../.." && pwd)
python=${PYTHON:-$repo/.venv/bin/python}
for pid_file in /var/lib/zerto-billing-lab/zvm_api/relay-*.pid; do
    [ -f "$pid_file" ] || continue
    pid=$(cat "$pid_file")
    # A pid file can outlive its relay (a killed session): only stop what is still a relay.
    if { tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | grep -q zvm_api_relay.py; then
        kill "$pid" 2>/dev/null || true
    fi
    rm -f "$pid_file"
done
"$python" "$repo/tests/lab/podman/lab.py" down
