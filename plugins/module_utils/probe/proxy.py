# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""An HTTP CONNECT tunnel through a forward proxy, as the ZVM opens it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import socket

from ansible_collections.zerto_msp.billing.plugins.module_utils.probe import error_classes as ec
from ansible_collections.zerto_msp.billing.plugins.module_utils.probe import tcp
from ansible_collections.zerto_msp.billing.plugins.module_utils.probe.outcome import StageFailure

_MAX_HEADER_BYTES = 65536


def _authority(host, port):
    return "[%s]:%d" % (host, port) if ":" in host else "%s:%d" % (host, port)


def _resolve_proxy(proxy):
    try:
        infos = socket.getaddrinfo(proxy.host, proxy.port, 0, socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise StageFailure("proxy", ec.PROXY_FAILURE, "The proxy host %s did not resolve: %s." % (proxy.host, error))
    return infos[0][4][0]


def _read_head(sock):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
        if len(data) > _MAX_HEADER_BYTES:
            break
    return data


def request_line(proxy, host, port):
    lines = ["CONNECT %s HTTP/1.1" % _authority(host, port), "Host: %s" % _authority(host, port),
             "User-Agent: zerto_msp.billing.egress_probe"]
    if proxy.username is not None:
        token = base64.b64encode(("%s:%s" % (proxy.username, proxy.password or "")).encode("utf-8"))
        lines.append("Proxy-Authorization: Basic %s" % token.decode("ascii"))
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")


def parse_status(head):
    """(status code, reason) of a proxy answer, or (None, None) when it is not HTTP."""
    first = head.split(b"\r\n", 1)[0].decode("latin-1")
    parts = first.split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
        return None, None
    return int(parts[1]), parts[2] if len(parts) > 2 else ""


def open_tunnel(proxy, host, port, timeout):
    """Return (tunnel socket, CONNECT status, tcp ms to the proxy) or raise StageFailure."""
    address = _resolve_proxy(proxy)
    try:
        sock, tcp_ms = tcp.connect(address, proxy.port, timeout, label="proxy %s" % proxy.display)
    except StageFailure as failure:
        error_class = ec.BLOCKED_LOCALLY if failure.error_class == ec.BLOCKED_LOCALLY else ec.PROXY_FAILURE
        raise StageFailure("proxy", error_class, failure.detail)
    try:
        sock.sendall(request_line(proxy, host, port))
        status, reason = parse_status(_read_head(sock))
    except (socket.timeout, OSError) as error:
        sock.close()
        raise StageFailure("proxy", ec.PROXY_FAILURE, "The proxy %s did not answer CONNECT: %s." % (proxy.display, error))
    if status != 200:
        sock.close()
        failure = StageFailure(
            "proxy", ec.PROXY_FAILURE,
            "The proxy %s answered CONNECT %s with %s %s." % (proxy.display, _authority(host, port), status, reason)
            if status else "The proxy %s sent no HTTP answer to CONNECT." % proxy.display)
        failure.proxy_status = status
        raise failure
    return sock, status, tcp_ms
