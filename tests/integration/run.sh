#!/usr/bin/env bash
# Run every integration target (tests/integration/targets/*/runme.sh), or the ones named.
# Each target builds its own lab and tears it down; the run stops at the first failure.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
export ANSIBLE_COLLECTIONS_PATH="${ANSIBLE_COLLECTIONS_PATH:-$root/build}"
export ANSIBLE_NOCOLOR=1
cd "$root/tests/integration/targets"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for runme in */runme.sh; do targets+=("${runme%/runme.sh}"); done
fi
passed=0
for target in "${targets[@]}"; do
  echo "=== integration target: $target"
  started=$SECONDS
  (cd "$target" && ./runme.sh)
  echo "=== $target passed in $((SECONDS - started))s"
  passed=$((passed + 1))
done
echo "integration: $passed passed, 0 failed"
