#!/usr/bin/env bash
# egress_rule and egress_entries against a real firewalld (nftables backend) and its own D-Bus
# system bus, in netns zbu-fh (peer zbu-fp, switch zbu-fsw) and a private mount namespace over
# temp copies of /etc/firewalld and /run; 198.51.100.0/24 only.
set -euo pipefail
cd "$(dirname "$0")"
exec python3 ./lab_egress_firewalld.py "$@"
