# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The probe's error classes and what each one tells the operator (which team to call)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

OK = "ok"
DNS_FAILURE = "dns_failure"
BLOCKED_LOCALLY = "blocked_locally"
TCP_TIMEOUT = "tcp_timeout"
TCP_REFUSED = "tcp_refused"
TCP_UNREACHABLE = "tcp_unreachable"
TLS_FAILURE = "tls_failure"
CERT_UNTRUSTED = "cert_untrusted"
CERT_HOSTNAME_MISMATCH = "cert_hostname_mismatch"
CERT_EXPIRED = "cert_expired"
PROXY_FAILURE = "proxy_failure"
HTTP_FAILURE = "http_failure"

MEANINGS = {
    OK: "Reachable: DNS, TCP, TLS (and HTTP when checked) all succeeded.",
    DNS_FAILURE: "The host's own resolver could not resolve the name: fix DNS on or for this host.",
    BLOCKED_LOCALLY: "This host's own output firewall drops or rejects the traffic: fix the host firewall.",
    TCP_TIMEOUT: "The SYN left this host but nothing answered: filtered upstream (perimeter firewall or route).",
    TCP_REFUSED: "The destination (or a device on the way) actively refused the connection on that port.",
    TCP_UNREACHABLE: "No route, or an ICMP unreachable/prohibited from the network: check routing and upstream ACLs.",
    TLS_FAILURE: "TCP connected but the TLS handshake failed (TLS inspection, protocol mismatch or reset).",
    CERT_UNTRUSTED: "The server certificate does not chain to a trusted CA (TLS inspection proxy or missing CA bundle).",
    CERT_HOSTNAME_MISMATCH: "The certificate is not valid for the requested name (wrong endpoint or intercepting device).",
    CERT_EXPIRED: "The server certificate has expired (or is not yet valid): check the endpoint and this host's clock.",
    PROXY_FAILURE: "The HTTP proxy could not be used or refused the CONNECT: check the proxy and its allowlist.",
    HTTP_FAILURE: "TLS worked but the HTTP answer was missing or not one of the expected status codes.",
}

ALL = tuple(MEANINGS)


def meaning(error_class):
    return MEANINGS.get(error_class, "Unknown error class.")
