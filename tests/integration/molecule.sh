#!/usr/bin/env bash
# Run Molecule scenarios of extensions/molecule on the podman lab (docs/lab.md).
#   tests/integration/molecule.sh [SCENARIO...]
# Without arguments: every scenario except those listed in tests/integration/molecule-slow.txt.
# Each scenario's output goes to tests/output/molecule/SCENARIO.log; its tail is shown on failure.
# MOLECULE_STREAM=1 streams the output instead.
set -euo pipefail

repo="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$repo"
export PATH="$repo/.venv/bin:$PATH"
export ANSIBLE_COLLECTIONS_PATH="$repo/build:$repo/.venv/lib/python3.11/site-packages"
export CONTAINERS_CONF="$repo/tests/lab/podman/containers.conf"
export ANSIBLE_FORCE_COLOR="${ANSIBLE_FORCE_COLOR:-0}"
export NO_COLOR="${NO_COLOR:-1}"

command -v podman >/dev/null || { echo "podman is missing: make apt (requirements/apt.txt)" >&2; exit 1; }
command -v molecule >/dev/null || { echo "molecule is missing: make venv" >&2; exit 1; }
# Scenarios import the collection from the build copy: refresh it from the working tree.
make -s collection

if [ "$#" -gt 0 ]; then
    scenarios=("$@")
else
    mapfile -t slow < <(grep -v '^\s*\(#\|$\)' tests/integration/molecule-slow.txt 2>/dev/null || true)
    scenarios=()
    for file in extensions/molecule/*/molecule.yml; do
        name="$(basename "$(dirname "$file")")"
        [[ " ${slow[*]-} " == *" $name "* ]] || scenarios+=("$name")
    done
fi

logs="$repo/tests/output/molecule"
mkdir -p "$logs"
failed=()
summary=()
for name in "${scenarios[@]}"; do
    [ -f "extensions/molecule/$name/molecule.yml" ] || { echo "no scenario $name" >&2; failed+=("$name"); continue; }
    echo "molecule test -s $name"
    started=$SECONDS
    if [ "${MOLECULE_STREAM:-0}" = 1 ]; then
        molecule test -s "$name" 2>&1 | tee "$logs/$name.log" && status=0 || status=$?
    else
        molecule test -s "$name" >"$logs/$name.log" 2>&1 && status=0 || status=$?
    fi
    took=$((SECONDS - started))
    if [ "$status" -eq 0 ]; then
        summary+=("passed  ${took}s  $name")
    else
        summary+=("FAILED  ${took}s  $name  (log: ${logs#"$repo"/}/$name.log)")
        failed+=("$name")
        if [ "${MOLECULE_STREAM:-0}" != 1 ]; then
            # The first errors say why; the tail often shows only the destroy step that followed.
            echo "--- $name: first errors in its log" >&2
            grep -n -m 15 -A 6 -E '^fatal:|^failed:|\[ERROR\]|^ERROR|FAILED!' "$logs/$name.log" >&2 || true
            echo "--- $name: end of its log" >&2
            tail -n 30 "$logs/$name.log" >&2
        fi
    fi
done

printf '%s\n' "Molecule scenarios:" "${summary[@]/#/  }"
echo "molecule: $(( ${#scenarios[@]} - ${#failed[@]} )) passed, ${#failed[@]} failed"
if [ "${#failed[@]}" -gt 0 ]; then
    # Only the end of a long run may be read: repeat each failure's first error here.
    for name in "${failed[@]}"; do
        echo "first error of $name:" >&2
        grep -m 1 -A 6 -E '^fatal:|^failed:' "$logs/$name.log" 2>/dev/null | cut -c 1-400 | sed 's/^/    /' >&2 || true
    done
    echo "failed: ${failed[*]}" >&2
    exit 1
fi
