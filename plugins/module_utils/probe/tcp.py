# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""TCP connect that tells a local firewall from an upstream one.

errno alone cannot: a local nftables/iptables DROP of an outgoing SYN times out exactly like
a silent upstream drop, and a local REJECT returns the same errno as a remote ICMP error.
The evidence used instead, per socket (so concurrent probes do not confuse each other):

* timeout: Linux ``TCP_INFO``. When the retransmission timer has fired (``tcpi_retransmits``
  > 0) but no retransmitted SYN is outstanding (``tcpi_retrans`` == 0), the kernel's own
  output path refused every retransmission: the SYN never left this host. Needs a timeout
  longer than the first retransmission (about 1 s); shorter timeouts are reported as
  inconclusive ``tcp_timeout``.
* refused/unreachable: ``IP_RECVERR`` exposes the ICMP error and who sent it. An ICMP error
  sent by one of this host's own addresses comes from its own firewall's REJECT.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import select
import socket
import struct
import sys
import time

from ansible_collections.zerto_msp.billing.plugins.module_utils.probe import error_classes as ec
from ansible_collections.zerto_msp.billing.plugins.module_utils.probe.outcome import StageFailure

_IP_RECVERR = 11
_IPV6_RECVERR = 25
_SO_EE_ORIGIN_ICMP = 2
_SO_EE_ORIGIN_ICMP6 = 3
_TCP_SYN_SENT = 2

_ICMP_REASONS = {
    (4, 0): "network unreachable",
    (4, 1): "host unreachable",
    (4, 3): "port unreachable",
    (4, 9): "network administratively prohibited",
    (4, 10): "host administratively prohibited",
    (4, 13): "communication administratively prohibited",
    (6, 0): "no route to destination",
    (6, 1): "communication administratively prohibited",
    (6, 3): "address unreachable",
    (6, 4): "port unreachable",
    (6, 5): "source address failed ingress/egress policy",
    (6, 6): "reject route to destination",
}

_UNREACHABLE_ERRNOS = (errno.EHOSTUNREACH, errno.ENETUNREACH, errno.EHOSTDOWN, errno.ENETDOWN)


def family_of(address):
    return socket.AF_INET6 if ":" in address else socket.AF_INET


def is_local_address(address):
    """True when ``address`` belongs to this host (binding to it succeeds)."""
    probe = socket.socket(family_of(address), socket.SOCK_DGRAM)
    try:
        probe.bind((address, 0))
    except OSError:
        return False
    finally:
        probe.close()
    return True


def _enable_recverr(sock, family):
    try:
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, _IPV6_RECVERR, 1)
        else:
            sock.setsockopt(socket.IPPROTO_IP, _IP_RECVERR, 1)
    except OSError:
        pass


def _icmp_error(sock, family):
    """(offender address, icmp reason) of the queued ICMP error, or (None, None)."""
    try:
        _data, ancillary, _flags, _addr = sock.recvmsg(512, 512, socket.MSG_ERRQUEUE)
    except (OSError, AttributeError):
        return None, None
    for _level, _type, data in ancillary:
        if len(data) < 16:
            continue
        _errno, origin, icmp_type, icmp_code = struct.unpack_from("=IBBB", data)
        if origin not in (_SO_EE_ORIGIN_ICMP, _SO_EE_ORIGIN_ICMP6):
            continue
        if family == socket.AF_INET6 and len(data) >= 16 + 24:
            offender = socket.inet_ntop(socket.AF_INET6, data[16 + 8:16 + 24])
        elif len(data) >= 16 + 8:
            offender = socket.inet_ntop(socket.AF_INET, data[16 + 4:16 + 8])
        else:
            offender = None
        version = 6 if origin == _SO_EE_ORIGIN_ICMP6 else 4
        reason = _ICMP_REASONS.get((version, icmp_code), "ICMP type %d code %d" % (icmp_type, icmp_code))
        return offender, reason
    return None, None


def timeout_evidence(sock):
    """Whether a timed-out SYN left the host: 'local', 'upstream' or 'inconclusive'."""
    if not sys.platform.startswith("linux"):
        return "inconclusive"
    try:
        info = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)
    except (OSError, AttributeError):
        return "inconclusive"
    if len(info) < 40 or info[0] != _TCP_SYN_SENT:
        return "inconclusive"
    retransmissions = info[2]
    retransmitted_out = struct.unpack_from("=I", info, 36)[0]
    if retransmissions == 0:
        return "inconclusive"
    return "upstream" if retransmitted_out else "local"


def _timeout_failure(sock, what, timeout):
    evidence = timeout_evidence(sock)
    if evidence == "local":
        return StageFailure(
            "tcp", ec.BLOCKED_LOCALLY,
            "No answer from %s within %.1fs, and the kernel could not send a single SYN "
            "retransmission: this host's own output firewall drops the traffic." % (what, timeout))
    if evidence == "upstream":
        return StageFailure(
            "tcp", ec.TCP_TIMEOUT,
            "No answer from %s within %.1fs although the SYN was retransmitted onto the network: "
            "dropped silently upstream." % (what, timeout))
    return StageFailure(
        "tcp", ec.TCP_TIMEOUT,
        "No answer from %s within %.1fs (inconclusive whether the SYN left this host: use a "
        "timeout of 1.5s or more to tell a local drop from an upstream one)." % (what, timeout))


def _error_failure(sock, family, err, what):
    offender, reason = _icmp_error(sock, family) if sock is not None else (None, None)
    text = "%s (%s)" % (reason, errno.errorcode.get(err, err)) if reason else errno.errorcode.get(err, str(err))
    if err in (errno.EPERM, errno.EACCES):
        return StageFailure("tcp", ec.BLOCKED_LOCALLY,
                            "Connecting to %s was refused by this host's own policy (%s)." % (what, text))
    if offender is not None and is_local_address(offender):
        return StageFailure("tcp", ec.BLOCKED_LOCALLY,
                            "Connecting to %s failed with %s sent by this host itself (%s): "
                            "its own output firewall rejects the traffic." % (what, text, offender))
    source = " from %s" % offender if offender else ""
    if err == errno.ECONNREFUSED:
        return StageFailure("tcp", ec.TCP_REFUSED, "Connection to %s refused%s: %s." % (what, source, text))
    if err in _UNREACHABLE_ERRNOS:
        return StageFailure("tcp", ec.TCP_UNREACHABLE, "%s is unreachable%s: %s." % (what, source, text))
    if err == errno.ETIMEDOUT:
        return StageFailure("tcp", ec.TCP_TIMEOUT, "Connection to %s timed out in the kernel." % what)
    return StageFailure("tcp", ec.TCP_UNREACHABLE, "Connecting to %s failed: %s." % (what, text))


def connect(address, port, timeout, label=None):
    """Open a TCP connection; return (socket, milliseconds) or raise StageFailure."""
    family = family_of(address)
    what = "%s port %d" % (label or address, port)
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        _enable_recverr(sock, family)
        sock.setblocking(False)
        started = time.monotonic()
        err = sock.connect_ex((address, port))
        if err not in (0, errno.EINPROGRESS):
            raise _error_failure(sock, family, err, what)
        poller = select.poll()
        poller.register(sock, select.POLLOUT)
        if not poller.poll(timeout * 1000.0):
            raise _timeout_failure(sock, what, timeout)
        err = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if err:
            raise _error_failure(sock, family, err, what)
        elapsed_ms = round((time.monotonic() - started) * 1000.0, 2)
        sock.setblocking(True)
        sock.settimeout(timeout)
        return sock, elapsed_ms
    except BaseException:
        sock.close()
        raise


def is_ip_literal(text):
    try:
        socket.inet_pton(family_of(text), text)
    except (OSError, ValueError):
        return False
    return True
