# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""TLS handshake with certificate classification and certificate details."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import socket
import ssl
import tempfile
import time

from ansible_collections.zerto_msp.billing.plugins.module_utils.probe import error_classes as ec
from ansible_collections.zerto_msp.billing.plugins.module_utils.probe.outcome import StageFailure

_X509_V_ERR_CERT_NOT_YET_VALID = 9
_X509_V_ERR_CERT_HAS_EXPIRED = 10
_X509_V_ERR_HOSTNAME_MISMATCH = 62
_X509_V_ERR_IP_ADDRESS_MISMATCH = 64


def make_context(validate_certs, ca_path):
    context = ssl.create_default_context(cafile=ca_path) if validate_certs else ssl.create_default_context()
    if not validate_certs:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def _name(rdns):
    return ",".join("%s=%s" % pair for rdn in rdns or () for pair in rdn)


def describe(cert, now=None):
    """The parts of a decoded certificate an operator needs."""
    if not cert:
        return None
    not_after = cert.get("notAfter")
    seconds = ssl.cert_time_to_seconds(not_after) if not_after else None
    now = time.time() if now is None else now
    return {
        "subject": _name(cert.get("subject")),
        "issuer": _name(cert.get("issuer")),
        "not_after": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds)) if seconds else None,
        "days_left": int((seconds - now) // 86400) if seconds else None,
        "subject_alt_names": ["%s:%s" % pair for pair in cert.get("subjectAltName", ())],
    }


def decode_der(der):
    """Decode a DER certificate with the ssl module's own parser; None when unavailable."""
    decoder = getattr(getattr(ssl, "_ssl", None), "_test_decode_cert", None)
    if not der or decoder is None:
        return None
    fd, path = tempfile.mkstemp(suffix=".pem")
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(ssl.DER_cert_to_PEM_cert(der))
        return decoder(path)
    except (ssl.SSLError, OSError, ValueError):
        return None
    finally:
        os.unlink(path)


def _certificate_failure(error, hostname):
    code = getattr(error, "verify_code", None)
    message = (getattr(error, "verify_message", None) or str(error)).rstrip(".")
    if code in (_X509_V_ERR_CERT_HAS_EXPIRED, _X509_V_ERR_CERT_NOT_YET_VALID):
        return StageFailure("tls", ec.CERT_EXPIRED, "The server certificate is not valid now: %s." % message)
    if code in (_X509_V_ERR_HOSTNAME_MISMATCH, _X509_V_ERR_IP_ADDRESS_MISMATCH):
        return StageFailure("tls", ec.CERT_HOSTNAME_MISMATCH,
                            "The server certificate is not valid for %s: %s." % (hostname, message))
    return StageFailure("tls", ec.CERT_UNTRUSTED, "The server certificate is not trusted: %s." % message)


def handshake(sock, hostname, context, timeout):
    """Wrap ``sock``; return (tls socket, details) or raise StageFailure (socket closed)."""
    started = time.monotonic()
    sock.settimeout(timeout)
    try:
        tls = context.wrap_socket(sock, server_hostname=hostname)
    except ssl.SSLCertVerificationError as error:
        sock.close()
        raise _certificate_failure(error, hostname)
    except socket.timeout:
        sock.close()
        raise StageFailure("tls", ec.TLS_FAILURE, "The TLS handshake with %s timed out after %.1fs." % (hostname, timeout))
    except (ssl.SSLError, OSError) as error:
        sock.close()
        raise StageFailure("tls", ec.TLS_FAILURE, "The TLS handshake with %s failed: %s." % (hostname, error))
    cipher = tls.cipher()
    cert = tls.getpeercert() or decode_der(tls.getpeercert(binary_form=True))
    return tls, {
        "tls_ms": round((time.monotonic() - started) * 1000.0, 2),
        "tls_version": tls.version(),
        "tls_cipher": cipher[0] if cipher else None,
        "cert": describe(cert),
    }


def peek_certificate(sock, hostname, timeout):
    """The certificate a server presents, without judging it (for failure reports)."""
    try:
        tls, details = handshake(sock, hostname, make_context(False, None), timeout)
    except StageFailure:
        return None
    tls.close()
    return details["cert"]
