"""Print the given addresses/CIDRs in one canonical, sorted form, as a JSON list.

Windows Firewall compares a rule's remote addresses as text, so the same networks written
differently (order, /32 suffix, IPv6 spelling) would rewrite the rule on every run. Usage:
canonical_cidrs.py OPTION ENTRY... (OPTION names the role input in error messages).
"""
import ipaddress
import json
import sys


def canonical(network):
    """A single address without its /32 or /128, a network as address/prefix (compressed IPv6)."""
    if network.prefixlen == network.max_prefixlen:
        return str(network.network_address)
    return network.with_prefixlen


def main(argv):
    option, entries = argv[1], argv[2:]
    forms = {}
    for entry in entries:
        try:
            network = ipaddress.ip_network(entry.strip(), strict=True)
            forms[network] = canonical(network)
        except ValueError as error:
            sys.stderr.write("%s: entry '%s' is not an IP address or CIDR (%s)\n" % (option, entry, error))
            return 2
    ordered = sorted(forms, key=lambda n: (n.version, n.network_address, n.prefixlen))
    print(json.dumps([forms[n] for n in ordered]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
