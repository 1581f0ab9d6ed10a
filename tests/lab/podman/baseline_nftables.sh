#!/bin/sh
# Site firewall of a lab "ZVM" on nftables: default-deny egress in an admin-owned table, DNS to
# the lab resolver and a hand-made allow to the legacy billing addresses. Persisted the Debian way
# in /etc/nftables.conf (reload: nft -f /etc/nftables.conf).
# Usage: baseline_nftables.sh DNS_ADDRESS LEGACY_ADDRESS[,LEGACY_ADDRESS...]
# Prints "applied" or "unchanged".
set -eu
dns="$1"
legacy="$2"
conf=/etc/nftables.conf

legacy_rules=""
for address in $(echo "$legacy" | tr ',' ' '); do
    legacy_rules="$legacy_rules
		ip daddr $address tcp dport 443 accept comment \"zerto billing, legacy (hand-made)\""
done

wanted="$(mktemp)"
cat >"$wanted" <<EOF
#!/usr/sbin/nft -f
# Site firewall of this host. Hand-made; not owned by zerto_msp.billing.
flush ruleset

table inet admin_egress {
	chain output {
		type filter hook output priority filter; policy drop;
		oifname "lo" accept
		ct state established,related accept
		ip daddr $dns udp dport 53 accept comment "lab dns"
		ip daddr $dns tcp dport 53 accept comment "lab dns"$legacy_rules
	}
}

table ip other_software {
	chain input {
		type filter hook input priority filter; policy accept;
		tcp dport 9999 counter accept comment "someone else's rule"
	}
}
EOF

if cmp -s "$wanted" "$conf" && nft list table inet admin_egress >/dev/null 2>&1; then
    rm -f "$wanted"
    echo unchanged
    exit 0
fi
install -m 0755 "$wanted" "$conf"
rm -f "$wanted"
nft -f "$conf"
echo applied
