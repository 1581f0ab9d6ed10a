# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Probe every address of an endpoint, concurrently, stage by stage."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import socket
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.zerto_msp.billing.plugins.module_utils.probe import error_classes as ec
from ansible_collections.zerto_msp.billing.plugins.module_utils.probe import http_check, proxy as proxy_mod, tcp, tls
from ansible_collections.zerto_msp.billing.plugins.module_utils.probe.outcome import StageFailure


class Settings(object):
    def __init__(self, endpoint, timeout, context, http_check=True, expected_status=None, proxy=None):
        self.endpoint = endpoint
        self.timeout = timeout
        self.context = context
        self.http_check = http_check
        self.expected_status = expected_status or []
        self.proxy = proxy


def resolve(host, port):
    """All addresses the host's own resolver returns for ``host``, A and AAAA, in its order."""
    infos = socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)
    addresses = []
    for info in infos:
        address = info[4][0]
        if address not in addresses:
            addresses.append(address)
    return addresses


def empty_result(address):
    return {
        "address": address,
        "family": None if address is None or not tcp.is_ip_literal(address) else
        ("ipv6" if ":" in address else "ipv4"),
        "reachable": False,
        "error_class": None,
        "stage_failed": None,
        "detail": None,
        "tcp_ms": None,
        "tls_ms": None,
        "http_status": None,
        "tls_version": None,
        "tls_cipher": None,
        "proxy_status": None,
        "cert": None,
    }


def dns_failure(host, error):
    result = empty_result(None)
    result.update(error_class=ec.DNS_FAILURE, stage_failed="dns",
                  detail="The host's resolver could not resolve %s: %s." % (host, error))
    return result


def _open(settings, address):
    """A TCP connection to the endpoint: direct, or a CONNECT tunnel through the proxy."""
    port = settings.endpoint.port
    if settings.proxy is None:
        return tcp.connect(address, port, settings.timeout, label="%s (%s)" % (address, settings.endpoint.host))
    sock, status, tcp_ms = proxy_mod.open_tunnel(settings.proxy, address, port, settings.timeout)
    return sock, tcp_ms, status


def probe_one(settings, address):
    """Probe one address (or, through a proxy, the host name itself)."""
    result = empty_result(address)
    endpoint = settings.endpoint
    try:
        opened = _open(settings, address)
        sock, result["tcp_ms"] = opened[0], opened[1]
        if settings.proxy is not None:
            result["proxy_status"] = opened[2]
        try:
            tls_sock, details = tls.handshake(sock, endpoint.host, settings.context, settings.timeout)
        except StageFailure as failure:
            if failure.error_class in (ec.CERT_EXPIRED, ec.CERT_HOSTNAME_MISMATCH, ec.CERT_UNTRUSTED):
                result["cert"] = _peek(settings, address)
            raise
        result.update(details)
        try:
            if settings.http_check:
                result["http_status"] = http_check.request(tls_sock, endpoint.host, endpoint.path,
                                                           settings.expected_status)
        finally:
            tls_sock.close()
    except StageFailure as failure:
        result.update(error_class=failure.error_class, stage_failed=failure.stage, detail=failure.detail)
        result["proxy_status"] = getattr(failure, "proxy_status", result["proxy_status"])
        result["http_status"] = getattr(failure, "http_status", result["http_status"])
        return result
    result.update(reachable=True, error_class=ec.OK, detail=ec.meaning(ec.OK))
    return result


def _peek(settings, address):
    try:
        sock = _open(settings, address)[0]
    except StageFailure:
        return None
    return tls.peek_certificate(sock, settings.endpoint.host, settings.timeout)


def probe_all(settings, addresses, max_workers):
    if len(addresses) == 1:
        return [probe_one(settings, addresses[0])]
    workers = max(1, min(max_workers, len(addresses)))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda address: probe_one(settings, address), addresses))


def summarize(results, host, port, require):
    reachable = sum(1 for r in results if r["reachable"])
    counts = {}
    for result in results:
        counts[result["error_class"]] = counts.get(result["error_class"], 0) + 1
    failures = sorted((c for c in counts if c != ec.OK), key=lambda c: -counts[c])
    sentence = "%d of %d probed address%s of %s reachable on port %d" % (
        reachable, len(results), "" if len(results) == 1 else "es", host, port)
    if failures:
        sentence += "; " + "; ".join("%d %s (%s)" % (counts[c], c, ec.meaning(c)) for c in failures)
    if require == "all":
        passed = bool(results) and reachable == len(results)
    elif require == "any":
        passed = reachable > 0
    else:
        passed = True
    return {"reachable": reachable > 0, "all_reachable": bool(results) and reachable == len(results),
            "summary": sentence + ".", "error_classes": counts,
            "reachable_count": reachable, "probed_count": len(results), "passed": passed}
