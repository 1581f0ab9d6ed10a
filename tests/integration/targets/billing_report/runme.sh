#!/usr/bin/env bash
# Write the reports on localhost into a temporary directory. runme.yml checks idempotence, check mode
# and input errors; fleet.yml is a failing fleet run that must still write its reports and exit 2;
# check_reports.py then reads the files back (JSON schema, JUnit counts, HTML, Markdown).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d /tmp/zba-report.XXXXXX)
trap 'rm -rf "$out"' EXIT
export ANSIBLE_NOCOLOR=1
ansible-playbook -i "$here/inventory.ini" "$here/runme.yml" -e "report_dir=$out/reports" \
  -e "check_mode_dir=$out/never" "$@"
python3 "$here/check_reports.py" records "$out/reports"

status=0
ansible-playbook -i "$here/inventory.ini" "$here/fleet.yml" -e "report_dir=$out/fleet" "$@" || status=$?
if [ "$status" -ne 2 ]; then
  echo "fleet.yml exited with $status; a run with failed hosts must exit 2 (AWX: job failed)" >&2
  exit 1
fi
python3 "$here/check_reports.py" fleet "$out/fleet"
