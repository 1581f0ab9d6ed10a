#!/usr/bin/env bash
# The demo (make demo): a podman lab fleet of 4 ZVM hosts (nftables, iptables-nft,
# iptables-legacy, and an nftables host whose upstream drops the new billing endpoint), each with
# a lab ZVM API reporting 8.5; then the rollout playbook end to end. The "upgrade" is simulated
# by a background step that makes each ZVM report 9.7.0.5 a few seconds after pre_upgrade opened
# its firewall; the rollout's api upgrade gate waits for that. Needs root, podman (make apt) and
# the collection in build/ (make collection). Remove the lab with demo_clean.sh.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../../.." && pwd)
lab=$repo/tests/lab/podman
python=${PYTHON:-$repo/.venv/bin/python}
playbook=${ANSIBLE_PLAYBOOK:-$repo/.venv/bin/ansible-playbook}
reports=${DEMO_REPORT_DIR:-$repo/.cache/demo/reports}
inventory=$repo/.cache/lab/inventory.yml
export CONTAINERS_CONF=$lab/containers.conf
export ANSIBLE_COLLECTIONS_PATH=${ANSIBLE_COLLECTIONS_PATH:-$repo/build:$repo/.venv/lib/python3.11/site-packages}
export ANSIBLE_FORCE_COLOR=${ANSIBLE_FORCE_COLOR:-0}
start=$(date +%s)

echo "== Lab: 4 ZVM hosts from fresh baselines (one upstream-blocked)"
"$python" "$lab/lab.py" up --hosts 4 --blocked 1 --recreate

echo "== Lab ZVM APIs (reporting 8.5) on every ZVM host"
"$playbook" -i "$inventory" -e @"$lab/zvm_api_vars.yml" "$lab/zvm_api_start.yml" >/dev/null
mapfile -t containers < <("$python" -c 'import sys, yaml
def walk(group):
    for name, host in (group.get("hosts") or {}).items():
        yield host.get("ansible_host", name)
    for child in (group.get("children") or {}).values():
        yield from walk(child)
print("\n".join(sorted(set(walk(yaml.safe_load(open(sys.argv[1]))["all"]["children"]["zvm"])))))' "$inventory")

echo "== Simulated upgrade: each ZVM reports 9.7.0.5 8 s after pre_upgrade opened its firewall"
mkdir -p "$reports"
"$python" "$lab/zvm_api_on_hosts.py" upgrade-when-allowed 9.7.0.5 "${containers[@]}" --delay 8 --timeout 240 \
    >"$reports/upgrader.log" 2>&1 &
upgrader=$!
trap 'kill $upgrader 2>/dev/null || true' EXIT

echo "== rollout (canary zvm01-nft, then the others; upgrade gate: api)"
run_id=demo-$(date -u +%Y%m%dT%H%M%SZ)
set +e
"$playbook" -i "$inventory" zerto_msp.billing.rollout \
    -e @"$lab/playbook_vars.yml" -e @"$lab/zvm_api_vars.yml" \
    -e zerto_billing_canary=zvm01-nft -e zerto_billing_upgrade_gate=api \
    -e zerto_billing_upgrade_gate_timeout=120 -e zerto_billing_upgrade_gate_delay=3 \
    -e zerto_billing_report_dir="$reports" -e zerto_billing_run_id="$run_id"
status=$?
set -e

echo
echo "== Summary (ansible-playbook exit status $status: 2 means some host failed, as expected here)"
"$python" "$lab/demo_summary.py" "$reports/rollout-$run_id.json"
echo
echo "Reports: $reports/rollout-$run_id.{json,md,html,junit.xml}"
echo "Demo took $(($(date +%s) - start)) s. Remove the lab with: make demo-clean"
