#!/usr/bin/env bash
# change_request on localhost into a temporary directory: check mode, content, idempotence, bad input.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d /tmp/zbs-change-request.XXXXXX)
trap 'rm -rf "$out"' EXIT
export ANSIBLE_NOCOLOR=1
ansible-playbook -i "$here/inventory.ini" "$here/runme.yml" -e "output_dir=$out/requests" "$@"
