#!/usr/bin/env bash
# egress_rule against real firewalls: nftables, iptables-nft and iptables-legacy, each in a pair of
# network namespaces (managed host + peer serving TCP), addresses in 198.51.100.64/26 only.
set -euo pipefail
cd "$(dirname "$0")"
exec python3 ./lab_egress_rule.py "$@"
