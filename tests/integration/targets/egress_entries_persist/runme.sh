#!/usr/bin/env bash
# egress_entries edits the admin's persisted nftables configuration: hand-made legacy entries in
# a temp nftables.conf and an included file, reloaded into a fresh namespace afterwards.
set -euo pipefail
cd "$(dirname "$0")"
exec python3 ./lab_entries_persist.py "$@"
