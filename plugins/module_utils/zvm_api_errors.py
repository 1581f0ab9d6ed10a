# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Error classes of the ZVM API client and the mapping of transport failures onto them."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import errno
import re
import socket
import ssl


class ZvmApiError(Exception):
    """Base class; ``error_class`` is the stable name modules return to playbooks."""

    error_class = 'api_error'

    def __init__(self, message, reason=None, status=None):
        super(ZvmApiError, self).__init__(message)
        self.message = message
        self.reason = reason
        self.status = status

    def as_result(self):
        result = {'error_class': self.error_class}
        if self.reason:
            result['error_reason'] = self.reason
        if self.status is not None:
            result['http_status'] = self.status
        return result


class ZvmOptionsError(ZvmApiError):
    error_class = 'invalid_options'


class ZvmCredentialsError(ZvmApiError):
    error_class = 'wrong_credentials'


class ZvmUnreachableError(ZvmApiError):
    error_class = 'api_unreachable'


class ZvmTlsError(ZvmApiError):
    error_class = 'tls_failure'


class ZvmUnexpectedResponse(ZvmApiError):
    error_class = 'unexpected_response'


def _cause_chain(exc):
    """All exceptions reachable from exc through urllib3's ``reason``, wrapped args and chaining."""
    seen = []
    todo = [exc]
    while todo:
        current = todo.pop(0)
        if not isinstance(current, BaseException) or any(current is known for known in seen):
            continue
        seen.append(current)
        todo.append(getattr(current, 'reason', None))
        todo.extend(arg for arg in getattr(current, 'args', ()) if isinstance(arg, BaseException))
        todo.append(current.__cause__)
        todo.append(current.__context__)
    return seen


def _type_names(exc):
    return set(cls.__name__ for cls in type(exc).__mro__)


def _first(chain, predicate):
    for item in chain:
        if predicate(item):
            return item
    return None


def _tls_error(url, chain):
    verify = _first(chain, lambda e: isinstance(e, ssl.SSLCertVerificationError))
    if verify is not None:
        detail = getattr(verify, 'verify_message', None) or str(verify)
        reason = 'hostname_mismatch' if 'hostname mismatch' in detail.lower() else 'certificate_verify_failed'
        return ZvmTlsError(
            'TLS failure talking to %s: the certificate could not be verified (%s). Give the CA that '
            'signed the ZVM certificate in ca_path, or set validate_certs: false only in a lab.' % (url, detail),
            reason=reason)
    handshake = _first(chain, lambda e: isinstance(e, ssl.SSLError))
    if handshake is not None:
        detail = getattr(handshake, 'reason', None) or str(handshake)
        return ZvmTlsError('TLS failure talking to %s: handshake failed (%s).' % (url, detail),
                           reason='handshake_failed')
    return None


_UNREACHABLE_TEXT = {
    'proxy': 'the proxy failed or refused the CONNECT',
    'timeout': 'connection timed out (a firewall drops the packets, or the host is down)',
    'read_timeout': 'the API accepted the connection but did not answer in time',
    'refused': 'connection refused (nothing listens on that port, or a firewall rejects it)',
    'dns': 'the host name does not resolve',
    'no_route': 'no route to the host',
    'reset': 'the connection was reset',
    'connection_failed': 'the connection failed',
}


def _unreachable_reason(chain):
    names = set()
    for item in chain:
        names |= _type_names(item)
    if 'ProxyError' in names:
        return 'proxy'
    if names & {'ReadTimeout', 'ReadTimeoutError'}:
        return 'read_timeout'
    if _first(chain, lambda e: isinstance(e, ConnectionRefusedError)):
        return 'refused'
    if 'NameResolutionError' in names or _first(chain, lambda e: isinstance(e, socket.gaierror)):
        return 'dns'
    if _first(chain, lambda e: isinstance(e, OSError) and e.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH)):
        return 'no_route'
    if _first(chain, lambda e: isinstance(e, ConnectionResetError)):
        return 'reset'
    # urllib3's NewConnectionError subclasses ConnectTimeoutError, so only a real timeout is checked here.
    if 'ConnectTimeout' in names or _first(chain, lambda e: isinstance(e, socket.timeout)) or any(
            'ConnectTimeoutError' in _type_names(e) and 'NewConnectionError' not in _type_names(e) for e in chain):
        return 'timeout'
    return 'connection_failed'


def _proxy_answer(chain):
    """The proxy's status line for a refused CONNECT, as urllib3 reports it."""
    for item in chain:
        match = re.search(r'Tunnel connection failed: ([0-9]{3}[^\'")]*)', str(item))
        if match:
            return match.group(1).strip()
    return None


def transport_error(exc, url):
    """Map a requests/urllib3/socket exception raised while talking to ``url`` onto a ZvmApiError."""
    chain = _cause_chain(exc)
    tls = _tls_error(url, chain)
    if tls is not None:
        return tls
    reason = _unreachable_reason(chain)
    detail = _proxy_answer(chain) if reason == 'proxy' else None
    return ZvmUnreachableError('Cannot reach the ZVM API at %s: %s%s.' % (
        url, _UNREACHABLE_TEXT[reason], ' (%s)' % detail if detail else ''), reason=reason)


def scrub(text, username=None, secrets=()):
    """Remove secrets from text, including the HTTP Basic form of username:password."""
    if not text:
        return text
    hidden = [secret for secret in secrets if secret]
    if username:
        for secret in list(hidden):
            pair = ('%s:%s' % (username, secret)).encode('utf-8')
            hidden.append(base64.b64encode(pair).decode('ascii'))
    for secret in sorted(hidden, key=len, reverse=True):
        text = text.replace(secret, '********')
    return text
