#!/bin/sh
# Main process of the lab billing host. Its files are in /lab (see lab.py: write_billing_files).
set -eu
# The endpoint addresses live beside the address podman gave this container.
while read -r address; do
    ip -4 address replace "$address" dev eth0
done < /lab/addresses
# The "upstream firewall" that filters the new endpoint for some ZVM addresses.
nft -f /lab/upstream.nft
dnsmasq --conf-file=/lab/dnsmasq.conf
exec python3 /lab/billing_https.py /lab/endpoints.json
