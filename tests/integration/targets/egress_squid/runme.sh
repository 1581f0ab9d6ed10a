#!/usr/bin/env bash
# backend=squid against a real Squid in network namespaces (zbs-*), its configuration in a temp dir;
# the lab script tears everything down on exit, and removes leftovers of an aborted run first.
set -euo pipefail
cd "$(dirname "$0")"
exec python3 ./lab_egress_squid.py "$@"
