#!/usr/bin/env bash
# egress_rule and egress_entries against a real ufw: managed host zbu-h (ufw in a private mount
# namespace over temp copies of its files), TLS peer zbu-p, switch zbu-sw; 198.51.100.0/24 only.
set -euo pipefail
cd "$(dirname "$0")"
exec python3 ./lab_egress_ufw.py "$@"
