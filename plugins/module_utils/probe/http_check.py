# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One HTTP request over an established TLS connection."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import socket

from ansible_collections.zerto_msp.billing.plugins.module_utils.probe import error_classes as ec
from ansible_collections.zerto_msp.billing.plugins.module_utils.probe.outcome import StageFailure
from ansible_collections.zerto_msp.billing.plugins.module_utils.probe.proxy import parse_status


def request(tls, host, path, expected_status):
    """Send one GET; return the HTTP status or raise StageFailure."""
    head = "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: zerto_msp.billing.egress_probe\r\nConnection: close\r\n\r\n"
    try:
        tls.sendall((head % (path, host)).encode("ascii"))
        data = tls.recv(4096)
    except (socket.timeout, OSError) as error:
        raise StageFailure("http", ec.HTTP_FAILURE, "No HTTP answer from %s: %s." % (host, error))
    status, reason = parse_status(data)
    if status is None:
        raise StageFailure("http", ec.HTTP_FAILURE, "%s did not answer with HTTP." % host)
    if expected_status and status not in expected_status:
        failure = StageFailure("http", ec.HTTP_FAILURE, "%s answered HTTP %d %s, expected one of %s." % (
            host, status, reason, ", ".join(str(s) for s in expected_status)))
        failure.http_status = status
        raise failure
    return status
