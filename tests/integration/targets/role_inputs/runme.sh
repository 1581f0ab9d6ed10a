#!/usr/bin/env bash
# Role inputs on localhost (connection local), no firewall touched: refused inputs name the input;
# change_request mode writes the Markdown and CSV into a temporary directory and changes nothing else.
set -euo pipefail
out=$(mktemp -d /tmp/zbs-role-inputs.XXXXXX)
trap 'rm -rf "$out"' EXIT
export ANSIBLE_NOCOLOR=1

echo "--- refused inputs"
ansible-playbook -i inventory.ini validation.yml

echo "--- change_request: first run writes the two files, and only they change"
ansible-playbook -i inventory_zvms.ini change_request.yml -e "out_dir=$out/requests" | tee "$out/run1.log"
grep -Eq '^zvm1 +: ok=[0-9]+ +changed=1 ' "$out/run1.log"
grep -Eq '^zvm2 +: ok=[0-9]+ +changed=0 ' "$out/run1.log"
[ "$(find "$out/requests" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort | tr '\n' ' ')" = "dc1-zerto-billing-change-request.csv dc1-zerto-billing-change-request.md " ]
csv="$out/requests/dc1-zerto-billing-change-request.csv"
for line in \
    'dc1,before_upgrade,add,dc1-zerto-billing-new,198.51.100.10,fqdn,billing-new.example.com,tcp,443,allow' \
    'dc1,before_upgrade,add,dc1-zerto-billing-new,198.51.100.11,cidr,198.51.100.32/28,tcp,443,allow' \
    'dc1,after_upgrade,remove,dc1-zerto-billing-legacy,198.51.100.10,fqdn,autologs.zerto.com,tcp,443,allow' \
    'dc1,after_upgrade,remove,dc1-zerto-billing-legacy,198.51.100.11,cidr,198.51.100.90/32,tcp,443,allow'; do
    grep -qxF "$line" "$csv" || { echo "missing from CSV: $line" >&2; exit 1; }
done
grep -q 'Remove after the Zerto upgrade' "$out/requests/dc1-zerto-billing-change-request.md"

echo "--- change_request: second run changes nothing"
ansible-playbook -i inventory_zvms.ini change_request.yml -e "out_dir=$out/requests" | tee "$out/run2.log"
grep -Eq '^zvm1 +: ok=[0-9]+ +changed=0 ' "$out/run2.log"

echo "--- legacy_cleanup change_request: gate 2 refuses, nothing is written"
if ansible-playbook -i inventory_zvms.ini cleanup_gate.yml -e "out_dir=$out/cleanup" >"$out/run3.log"; then
    cat "$out/run3.log"; echo "legacy_cleanup passed gate 2 against a closed port" >&2; exit 1
fi
grep -q 'gate 2 refused' "$out/run3.log" || { cat "$out/run3.log"; exit 1; }
[ ! -e "$out/cleanup" ]

echo "--- legacy_cleanup change_request: both gates pass, the request is written, nothing else changes"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost -addext subjectAltName=DNS:localhost \
    -keyout "$out/key.pem" -out "$out/cert.pem" 2>/dev/null
python3 tls_server.py "$out/cert.pem" "$out/key.pem" "$out/port" &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -rf "$out"' EXIT
for _ in $(seq 50); do [ -s "$out/port" ] && break; sleep 0.1; done
port=$(cat "$out/port")
ansible-playbook -i inventory_zvms.ini cleanup_request.yml \
    -e "out_dir=$out/cleanup tls_port=$port tls_ca=$out/cert.pem" | tee "$out/run4.log"
grep -Eq '^zvm1 +: ok=[0-9]+ +changed=1 ' "$out/run4.log"
grep -Eq '^zvm2 +: ok=[0-9]+ +changed=0 ' "$out/run4.log"
[ "$(find "$out/cleanup" -mindepth 1 -maxdepth 1 | wc -l)" = 2 ]
for line in \
    "dc1,after_upgrade,remove,dc1-zerto-billing-legacy,198.51.100.10,fqdn,autologs.zerto.com,tcp,$port,allow" \
    "dc1,after_upgrade,remove,dc1-zerto-billing-legacy,198.51.100.11,cidr,198.51.100.90/32,tcp,$port,allow"; do
    grep -qxF "$line" "$out/cleanup/dc1-zerto-billing-change-request.csv" || { echo "missing from CSV: $line" >&2; exit 1; }
done
echo "role_inputs: all checks passed"
