#!/usr/bin/env bash
# The pause upgrade gate of the rollout: without a terminal (AWX, cron, stdin redirected) it must
# fail every host with upgrade_gate_config instead of opening; at a terminal, Enter opens it.
set -euo pipefail
out=$(mktemp -d /tmp/zbg-gate.XXXXXX)
trap 'rm -rf "$out"' EXIT
export ANSIBLE_NOCOLOR=1
collection_root="${ANSIBLE_COLLECTIONS_PATH%%:*}/ansible_collections/zerto_msp/billing"
run=(ansible-playbook -i inventory.ini gate.yml -e "collection_root=$collection_root")

echo "--- no terminal: the gate stays shut"
mkdir "$out/batch"
"${run[@]}" -e "out_dir=$out/batch" </dev/null 2>&1 | tee "$out/batch.log"
grep -q 'Not waiting for response to prompt' "$out/batch.log"
python3 check_records.py "$out/batch" fail upgrade_gate_config

echo "--- at a terminal: Enter opens the gate"
mkdir "$out/tty"
python3 drive_pause.py "${run[@]}" -e "out_dir=$out/tty" | tee "$out/tty.log"
python3 check_records.py "$out/tty" ok none
echo "upgrade_gate: all checks passed"
