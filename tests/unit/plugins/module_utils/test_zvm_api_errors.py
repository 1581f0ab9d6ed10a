# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Classification of transport failures, on exceptions shaped like the ones requests raises."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import errno
import socket
import ssl

import pytest

from ansible_collections.zerto_msp.billing.plugins.module_utils.zvm_api_errors import (
    ZvmTlsError, ZvmUnreachableError, scrub, transport_error)

requests = pytest.importorskip('requests')
urllib3 = pytest.importorskip('urllib3')

URL = 'https://198.51.100.194:9669'


def wrapped(outer, inner, path='/v1/session/add'):
    """requests' shape: outer(MaxRetryError(reason=inner))."""
    return outer(urllib3.exceptions.MaxRetryError(None, path, reason=inner))


def verify_error(message, code=20):
    error = ssl.SSLCertVerificationError(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: %s' % message)
    error.verify_message = message
    error.verify_code = code
    return error


def test_unknown_ca_is_a_tls_failure_naming_the_cause():
    exc = wrapped(requests.exceptions.SSLError,
                  urllib3.exceptions.SSLError(verify_error('unable to get local issuer certificate')))
    error = transport_error(exc, URL)
    assert isinstance(error, ZvmTlsError)
    assert error.error_class == 'tls_failure' and error.reason == 'certificate_verify_failed'
    assert 'unable to get local issuer certificate' in error.message and 'ca_path' in error.message


def test_hostname_mismatch_has_its_own_reason():
    exc = wrapped(requests.exceptions.SSLError, urllib3.exceptions.SSLError(
        verify_error("Hostname mismatch, certificate is not valid for 'zvm01'.", code=62)))
    assert transport_error(exc, URL).reason == 'hostname_mismatch'


def test_handshake_failure():
    inner = ssl.SSLError(1, '[SSL: WRONG_VERSION_NUMBER] wrong version number')
    inner.reason = 'WRONG_VERSION_NUMBER'
    error = transport_error(wrapped(requests.exceptions.SSLError, urllib3.exceptions.SSLError(inner)), URL)
    assert error.reason == 'handshake_failed' and 'WRONG_VERSION_NUMBER' in error.message


def new_connection_error(cause):
    error = urllib3.exceptions.NewConnectionError(None, 'Failed to establish a new connection: %s' % cause)
    error.__cause__ = cause
    return error


@pytest.mark.parametrize('exc, reason', [
    (wrapped(requests.exceptions.ConnectionError,
             new_connection_error(ConnectionRefusedError(errno.ECONNREFUSED, 'Connection refused'))), 'refused'),
    (wrapped(requests.exceptions.ConnectTimeout,
             urllib3.exceptions.ConnectTimeoutError(None, 'timed out')), 'timeout'),
    (requests.exceptions.ReadTimeout(urllib3.exceptions.ReadTimeoutError(None, '/v1/alerts', 'read timed out')),
     'read_timeout'),
    (wrapped(requests.exceptions.ConnectionError,
             new_connection_error(socket.gaierror(-2, 'Name or service not known'))), 'dns'),
    (wrapped(requests.exceptions.ConnectionError,
             new_connection_error(OSError(errno.EHOSTUNREACH, 'No route to host'))), 'no_route'),
    (wrapped(requests.exceptions.ProxyError,
             urllib3.exceptions.ProxyError('Unable to connect to proxy', OSError('Tunnel connection failed: 403'))),
     'proxy'),
    (requests.exceptions.ConnectionError(ConnectionResetError(errno.ECONNRESET, 'Connection reset by peer')), 'reset'),
    (requests.exceptions.ConnectionError('something odd'), 'connection_failed'),
])
def test_unreachable_reasons(exc, reason):
    error = transport_error(exc, URL)
    assert isinstance(error, ZvmUnreachableError)
    assert error.error_class == 'api_unreachable' and error.reason == reason
    assert error.message.startswith('Cannot reach the ZVM API at %s: ' % URL)


def test_proxy_refusal_carries_the_proxy_answer():
    exc = wrapped(requests.exceptions.ProxyError, urllib3.exceptions.ProxyError(
        'Unable to connect to proxy', OSError('Tunnel connection failed: 407 Proxy Authentication Required')))
    error = transport_error(exc, URL)
    assert error.reason == 'proxy'
    assert error.message.endswith('refused the CONNECT (407 Proxy Authentication Required).')


def test_cycles_in_the_cause_chain_terminate():
    first, second = ValueError('a'), ValueError('b')
    first.__context__, second.__context__ = second, first
    assert transport_error(requests.exceptions.ConnectionError(first), URL).reason == 'connection_failed'


def test_as_result():
    error = transport_error(requests.exceptions.ConnectionError('x'), URL)
    assert error.as_result() == {'error_class': 'api_unreachable', 'error_reason': 'connection_failed'}


def test_scrub_hides_secrets_and_their_basic_auth_form():
    basic = base64.b64encode(b'admin:Pw-1').decode()
    text = 'pw Pw-1, header Basic %s, secret Sec-2' % basic
    assert scrub(text, 'admin', ('Pw-1', 'Sec-2', None, '')) == 'pw ********, header Basic ********, secret ********'
    assert scrub('', 'admin', ('x',)) == ''
    assert scrub(None, None, ()) is None
