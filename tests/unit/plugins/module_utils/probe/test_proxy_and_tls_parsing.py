import base64
import ssl

from ansible_collections.zerto_msp.billing.plugins.module_utils.probe import inputs, proxy, tls


def test_connect_request_carries_basic_auth_only_when_credentials_exist():
    with_auth = proxy.request_line(inputs.parse_proxy("http://u:p@proxy.lab:3128"), "billing.lab", 443)
    assert with_auth.startswith(b"CONNECT billing.lab:443 HTTP/1.1\r\n")
    assert b"Proxy-Authorization: Basic " + base64.b64encode(b"u:p") in with_auth
    without = proxy.request_line(inputs.parse_proxy("http://proxy.lab:3128"), "2001:db8::1", 443)
    assert without.startswith(b"CONNECT [2001:db8::1]:443 HTTP/1.1") and b"Proxy-Authorization" not in without


def test_parse_status():
    assert proxy.parse_status(b"HTTP/1.1 200 Connection established\r\n\r\n") == (200, "Connection established")
    assert proxy.parse_status(b"HTTP/1.0 403 Forbidden\r\n") == (403, "Forbidden")
    assert proxy.parse_status(b"SSH-2.0-OpenSSH\r\n") == (None, None)
    assert proxy.parse_status(b"") == (None, None)


def test_describe_certificate():
    cert = {
        "subject": ((("commonName", "billing.example.com"),),),
        "issuer": ((("organizationName", "Lab"),), (("commonName", "Lab CA"),)),
        "notAfter": "Jan 31 00:00:00 2030 GMT",
        "subjectAltName": (("DNS", "billing.example.com"),),
    }
    now = ssl.cert_time_to_seconds("Jan 21 00:00:00 2030 GMT")
    described = tls.describe(cert, now=now)
    assert described == {
        "subject": "commonName=billing.example.com",
        "issuer": "organizationName=Lab,commonName=Lab CA",
        "not_after": "2030-01-31T00:00:00Z",
        "days_left": 10,
        "subject_alt_names": ["DNS:billing.example.com"],
    }
    assert tls.describe({}) is None
