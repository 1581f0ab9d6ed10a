#!/bin/sh
# Site firewall of a lab "ZVM" on iptables: OUTPUT policy DROP ending in an explicit REJECT, DNS
# to the lab resolver and a hand-made allow to the legacy billing addresses; IPv6 egress denied.
# BACKEND nft or legacy selects iptables-nft or iptables-legacy, and the host's `iptables`
# alternative points at it. Persisted in /etc/iptables/rules.v4 and rules.v6
# (reload: iptables-restore -w 10 /etc/iptables/rules.v4; ip6tables-restore -w 10 /etc/iptables/rules.v6;
# iptables-legacy-restore takes the next argument as the wait time, so -w needs one).
# Usage: baseline_iptables.sh BACKEND DNS_ADDRESS LEGACY_ADDRESS[,LEGACY_ADDRESS...]
# Prints "applied" or "unchanged".
set -eu
backend="$1"
dns="$2"
legacy="$3"
case "$backend" in nft|legacy) ;; *) echo "backend must be nft or legacy" >&2; exit 2 ;; esac

legacy_rules=""
for address in $(echo "$legacy" | tr ',' ' '); do
    legacy_rules="$legacy_rules
-A OUTPUT -d $address/32 -p tcp -m tcp --dport 443 -m comment --comment \"zerto billing, legacy (hand-made)\" -j ACCEPT"
done

wanted4="$(mktemp)"
wanted6="$(mktemp)"
cat >"$wanted4" <<EOF
# Site firewall of this host. Hand-made; not owned by zerto_msp.billing.
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT DROP [0:0]
:OTHER_SOFTWARE - [0:0]
-A INPUT -j OTHER_SOFTWARE
-A OUTPUT -o lo -j ACCEPT
-A OUTPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A OUTPUT -d $dns/32 -p udp -m udp --dport 53 -m comment --comment "lab dns" -j ACCEPT
-A OUTPUT -d $dns/32 -p tcp -m tcp --dport 53 -m comment --comment "lab dns" -j ACCEPT$legacy_rules
-A OUTPUT -j REJECT --reject-with icmp-admin-prohibited
-A OTHER_SOFTWARE -p tcp -m tcp --dport 9999 -m comment --comment "someone else's rule" -j ACCEPT
COMMIT
EOF
cat >"$wanted6" <<EOF
# Site firewall of this host. Hand-made; not owned by zerto_msp.billing.
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT DROP [0:0]
-A OUTPUT -o lo -j ACCEPT
-A OUTPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
COMMIT
EOF

loaded() { "iptables-$backend" -w -S OUTPUT 2>/dev/null | grep -q -- '-j REJECT'; }

mkdir -p /etc/iptables
if cmp -s "$wanted4" /etc/iptables/rules.v4 && cmp -s "$wanted6" /etc/iptables/rules.v6 && loaded; then
    rm -f "$wanted4" "$wanted6"
    echo unchanged
    exit 0
fi
update-alternatives --quiet --set iptables "/usr/sbin/iptables-$backend"
update-alternatives --quiet --set ip6tables "/usr/sbin/ip6tables-$backend"
install -m 0640 "$wanted4" /etc/iptables/rules.v4
install -m 0640 "$wanted6" /etc/iptables/rules.v6
rm -f "$wanted4" "$wanted6"
"iptables-$backend-restore" -w 10 < /etc/iptables/rules.v4
"ip6tables-$backend-restore" -w 10 < /etc/iptables/rules.v6
echo applied
