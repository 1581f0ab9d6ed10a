# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.zerto_msp.billing.plugins.module_utils.zvm_api import (
    ZvmClient, choose_auth, interpret_send_usage, parse_api_url, parse_proxy_url)
from ansible_collections.zerto_msp.billing.plugins.module_utils.zvm_api_errors import (
    ZvmOptionsError, ZvmUnexpectedResponse)


@pytest.mark.parametrize('url, base, port', [
    ('https://zvm01.example.net:9669', 'https://zvm01.example.net:9669', 9669),
    ('https://zvm01.example.net:9669/', 'https://zvm01.example.net:9669', 9669),
    ('https://zvma01.example.net', 'https://zvma01.example.net', 443),
    ('HTTPS://zvma01.example.net/zvm/', 'https://zvma01.example.net/zvm', 443),
    (' https://[2001:db8::5]:9669 ', 'https://[2001:db8::5]:9669', 9669),
])
def test_parse_api_url(url, base, port):
    assert parse_api_url(url) == (base, port)


@pytest.mark.parametrize('url', ['http://zvm:9669', 'zvm01:9669', '', None, 'https://', 'https://zvm:notaport',
                                 'https://admin:pw@zvm:9669'])
def test_parse_api_url_rejects(url):
    with pytest.raises(ZvmOptionsError):
        parse_api_url(url)


def test_bad_url_message_does_not_echo_url_credentials():
    with pytest.raises(ZvmOptionsError) as caught:
        parse_api_url('https://admin:s3cret@zvm:9669')
    assert 's3cret' not in caught.value.message


@pytest.mark.parametrize('auth, port, creds, expected', [
    ('auto', 9669, dict(username='u', password='p'), 'session'),
    ('auto', 443, dict(username='u', password='p'), 'probe'),
    ('auto', 9443, dict(username='u', password='p'), 'probe'),
    ('auto', 9669, dict(client_id='c', client_secret='s'), 'keycloak'),
    ('auto', 443, dict(client_id='c', client_secret='s', username='u', password='p'), 'keycloak'),
    ('auto', 443, dict(client_id='my-client', username='u', password='p'), 'probe'),
    ('session', 443, dict(username='u', password='p'), 'session'),
    ('keycloak', 9669, dict(username='u', password='p'), 'keycloak'),
    ('keycloak', 443, dict(client_id='c', client_secret='s'), 'keycloak'),
    ('auto', 9669, dict(username='u', password=''), 'session'),
])
def test_choose_auth(auth, port, creds, expected):
    assert choose_auth(auth, port, **creds) == expected


@pytest.mark.parametrize('auth, creds, words', [
    ('auto', dict(), 'username and password, or client_id'),
    ('auto', dict(username='u'), 'go together'),
    ('auto', dict(password='p'), 'go together'),
    ('auto', dict(client_secret='s'), 'needs client_id'),
    ('auto', dict(client_id='c'), 'username and password, or client_id'),
    ('session', dict(client_id='c', client_secret='s'), 'auth=session needs'),
    ('keycloak', dict(client_id='c'), 'auth=keycloak needs'),
    ('basic', dict(username='u', password='p'), 'auth must be'),
])
def test_choose_auth_rejects_incomplete_credentials(auth, creds, words):
    with pytest.raises(ZvmOptionsError) as caught:
        choose_auth(auth, 443, **creds)
    assert words in caught.value.message


@pytest.mark.parametrize('status, text, sent, raw', [
    (200, '"Passed"', True, 'Passed'),
    (200, 'Passed', True, 'Passed'),
    (200, ' "passed"\n', True, 'passed'),
    (200, '"Failed"', False, 'Failed'),
    (200, 'Failed', False, 'Failed'),
    (200, '', True, ''),
    (200, None, True, ''),
    (204, '', True, ''),
    (200, 'true', True, 'true'),
    (200, 'false', False, 'false'),
    (500, '{"Message": "Failed to send usage"}', False, '{"Message": "Failed to send usage"}'),
    (503, '', False, ''),
])
def test_interpret_send_usage(status, text, sent, raw):
    assert interpret_send_usage(status, text) == (sent, raw)


@pytest.mark.parametrize('status, text', [(200, '{"result": 1}'), (200, 'Maybe'), (404, ''), (400, '"Failed"')])
def test_interpret_send_usage_rejects_unknown_answers(status, text):
    with pytest.raises(ZvmUnexpectedResponse):
        interpret_send_usage(status, text)


def test_client_validates_options_before_any_network(tmp_path):
    with pytest.raises(ZvmOptionsError):
        ZvmClient('https://zvm:9669', username='u', password='p', timeout=0)
    with pytest.raises(ZvmOptionsError):
        ZvmClient('https://zvm:9669', username='u', password='p', ca_path=str(tmp_path / 'missing.pem'))
    (tmp_path / 'not.pem').write_text('not a certificate')
    with pytest.raises(ZvmOptionsError) as caught:
        ZvmClient('https://zvm:9669', username='u', password='p', ca_path=str(tmp_path / 'not.pem'))
    assert 'could not be loaded as PEM' in caught.value.message
    client = ZvmClient('https://zvm:9669', username='u', password='p', validate_certs=False,
                       ca_path=str(tmp_path / 'ignored.pem'))
    assert client.mode == 'session' and client.platform is None
    assert any('validate_certs' in warning for warning in client.warnings)


def test_client_ignores_environment_proxy_when_one_is_given(monkeypatch):
    monkeypatch.setenv('https_proxy', 'http://env-proxy.example.net:3128')
    monkeypatch.setenv('no_proxy', '')
    assert ZvmClient('https://zvm:9669', username='u', password='p')._http.proxies['https'] == \
        'http://env-proxy.example.net:3128'
    given = ZvmClient('https://zvm:9669', username='u', password='p', proxy='http://given.example.net:8080')
    assert given._http.proxies == {'https': 'http://given.example.net:8080', 'http': 'http://given.example.net:8080'}
    monkeypatch.setenv('no_proxy', 'zvm')
    assert 'https' not in ZvmClient('https://zvm:9669', username='u', password='p')._http.proxies


@pytest.mark.parametrize('proxy, password', [
    (None, None), ('', None), ('http://proxy:3128', None), ('http://user:Pw-9@proxy:3128', 'Pw-9'),
    ('https://user:Pw-9@[2001:db8::1]:3128', 'Pw-9'),
])
def test_parse_proxy_url(proxy, password):
    assert parse_proxy_url(proxy) == password


@pytest.mark.parametrize('proxy', ['proxy:3128', 'socks5://user:Pw-9@proxy:1080', 'http://user:Pw-9@proxy:port',
                                   'http://'])
def test_parse_proxy_url_rejects_without_echoing(proxy):
    with pytest.raises(ZvmOptionsError) as caught:
        parse_proxy_url(proxy)
    assert 'Pw-9' not in caught.value.message
