#!/usr/bin/env bash
# The new endpoint is the operator's data: a host without zerto_billing_new_url gets a failed
# `inputs` record (endpoint_config) naming it, no other step runs (nothing is probed), and the run fails.
set -euo pipefail
out=$(mktemp -d /tmp/zbg-inputs.XXXXXX)
trap 'rm -rf "$out"' EXIT
export ANSIBLE_NOCOLOR=1
for playbook in preflight post_upgrade; do
    echo "--- $playbook without zerto_billing_new_url"
    if ansible-playbook -i inventory.ini "zerto_msp.billing.$playbook" -e "zerto_billing_report_dir=$out/$playbook" \
        >"$out/$playbook.log" 2>&1; then
        cat "$out/$playbook.log"; echo "$playbook passed without zerto_billing_new_url" >&2; exit 1
    fi
    python3 check_report.py "$out/$playbook" "$playbook" || { cat "$out/$playbook.log"; exit 1; }
done
echo "playbook_inputs: all checks passed"
