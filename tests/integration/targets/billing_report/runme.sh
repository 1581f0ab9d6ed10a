#!/usr/bin/env bash
# Write the reports on localhost into a temporary directory: the play checks idempotence, check mode
# and input errors; check_reports.py then reads the files back (JSON schema, JUnit counts, HTML).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d /tmp/zba-report.XXXXXX)
trap 'rm -rf "$out"' EXIT
ANSIBLE_NOCOLOR=1 ansible-playbook -i "$here/inventory.ini" "$here/runme.yml" -e "report_dir=$out/reports" \
  -e "check_mode_dir=$out/never" "$@"
python3 "$here/check_reports.py" "$out/reports" pre_upgrade-it42
