# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A small ZVM REST API client for both authentication flows.

Authentication (``auth``):
- ``session``: Windows ZVM. ``POST /v1/session/add`` with HTTP Basic auth; the id from the
  ``x-zerto-session`` answer header goes on every later call; ``DELETE /v1/session`` at the end.
- ``keycloak``: ZVM Appliance. ``POST /auth/realms/zerto/protocol/openid-connect/token``,
  ``client_credentials`` when a client secret is given, else ``password`` with client id
  ``zerto-client`` (or the one given); ``Authorization: Bearer``; the Keycloak session of a
  password grant is logged out at the end.
- ``auto``, in this order: a client secret means ``keycloak``; port 9669 means ``session``;
  otherwise the token endpoint is tried with the password grant and, unless it answers like
  Keycloak (an ``access_token`` or an OAuth ``error`` object), ``session`` is used on the same
  URL. The port is never changed.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import ssl
import traceback

from ansible.module_utils.basic import env_fallback, missing_required_lib
from ansible.module_utils.six.moves.urllib.parse import urlsplit

from ansible_collections.zerto_msp.billing.plugins.module_utils.zvm_api_errors import (
    ZvmApiError, ZvmCredentialsError, ZvmOptionsError, ZvmUnexpectedResponse, scrub, transport_error)

REQUESTS_IMPORT_ERROR = None
try:
    import requests
    HAS_REQUESTS = True
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()

SESSION_PORT = 9669
SESSION_HEADER = 'x-zerto-session'
SESSION_ADD_PATH = '/v1/session/add'
SESSION_PATH = '/v1/session'
KEYCLOAK_REALM_PATH = '/auth/realms/zerto/protocol/openid-connect'
TOKEN_PATH = KEYCLOAK_REALM_PATH + '/token'
LOGOUT_PATH = KEYCLOAK_REALM_PATH + '/logout'
PASSWORD_GRANT_CLIENT_ID = 'zerto-client'
PLATFORMS = {'session': 'windows_zvm', 'keycloak': 'appliance'}
# Keycloak answers these on a wrong password or client secret (older releases use 400).
KEYCLOAK_CREDENTIAL_ERRORS = ('invalid_grant', 'invalid_client', 'unauthorized_client')


def zvm_api_argument_spec():
    """Options shared by the ZVM API modules (documented in the zvm_api doc fragment)."""
    return dict(
        api_url=dict(type='str', required=True),
        username=dict(type='str', fallback=(env_fallback, ['ZERTO_ZVM_USERNAME'])),
        password=dict(type='str', no_log=True, fallback=(env_fallback, ['ZERTO_ZVM_PASSWORD'])),
        client_id=dict(type='str', fallback=(env_fallback, ['ZERTO_ZVM_CLIENT_ID'])),
        client_secret=dict(type='str', no_log=True, fallback=(env_fallback, ['ZERTO_ZVM_CLIENT_SECRET'])),
        auth=dict(type='str', default='auto', choices=['auto', 'session', 'keycloak']),
        validate_certs=dict(type='bool', default=True),
        ca_path=dict(type='path'),
        timeout=dict(type='int', default=30),
        # The URL may carry proxy credentials.
        proxy=dict(type='str', no_log=True),
    )


def parse_api_url(api_url):
    """``(base_url, port)`` of an https API URL; the path, if any, is kept as a prefix."""
    try:
        parts = urlsplit(str(api_url or '').strip())
        port = parts.port or 443
    except ValueError as exc:
        raise ZvmOptionsError('api_url %r is not a valid URL: %s.' % (api_url, exc))
    if parts.scheme.lower() != 'https' or not parts.hostname:
        raise ZvmOptionsError("api_url must look like https://zvm.example.net:9669 or https://zvma.example.net, "
                              "got %r." % api_url)
    if parts.username or parts.password:
        raise ZvmOptionsError('api_url must not carry credentials; use username/password.')
    return 'https://%s%s' % (parts.netloc, parts.path.rstrip('/')), port


def parse_proxy_url(proxy):
    """The password in a proxy URL (None if none), after checking its form; the URL is never echoed."""
    if not proxy:
        return None
    try:
        parts = urlsplit(proxy)
        valid = parts.scheme.lower() in ('http', 'https') and bool(parts.hostname) and (parts.port or 1) > 0
    except ValueError:
        valid = False
    if not valid:
        raise ZvmOptionsError('proxy must look like http://[user:password@]proxy.example.net:3128.')
    return parts.password


def check_ca_path(ca_path):
    """Fail early and clearly on a CA path that does not exist or holds no PEM certificate."""
    if not os.path.exists(ca_path):
        raise ZvmOptionsError('ca_path %s does not exist.' % ca_path)
    try:
        if os.path.isdir(ca_path):
            ssl.create_default_context(capath=ca_path)
        else:
            ssl.create_default_context(cafile=ca_path)
    except (ssl.SSLError, OSError) as exc:
        raise ZvmOptionsError('ca_path %s could not be loaded as PEM CA certificates: %s.'
                              % (ca_path, getattr(exc, 'reason', None) or exc))


def choose_auth(auth, port, username=None, password=None, client_id=None, client_secret=None):
    """``session``, ``keycloak`` or ``probe`` (try Keycloak, fall back to session), after checking credentials."""
    has_user = bool(username) and password is not None
    if bool(username) != (password is not None):
        raise ZvmOptionsError('username and password go together.')
    if client_secret and not client_id:
        raise ZvmOptionsError('client_secret needs client_id.')
    if auth == 'session':
        if not has_user:
            raise ZvmOptionsError('auth=session needs username and password.')
        return 'session'
    if auth == 'keycloak':
        if not (has_user or client_secret):
            raise ZvmOptionsError('auth=keycloak needs client_id and client_secret, or username and password.')
        return 'keycloak'
    if auth != 'auto':
        raise ZvmOptionsError('auth must be auto, session or keycloak, got %r.' % auth)
    if client_secret:
        return 'keycloak'
    if not has_user:
        raise ZvmOptionsError('Give username and password, or client_id and client_secret.')
    if port == SESSION_PORT:
        return 'session'
    return 'probe'


def interpret_send_usage(status, text):
    """``(sent, raw)`` for a sendUsage answer; raw is the answer body with JSON string quotes removed."""
    raw = (text or '').strip()
    try:
        decoded = json.loads(raw) if raw else ''
    except ValueError:
        decoded = raw
    if isinstance(decoded, str):
        raw = decoded.strip()
    if status >= 500:
        return False, raw
    if not 200 <= status < 300:
        raise ZvmUnexpectedResponse('Unexpected answer from POST /v1/localsite/billing/sendUsage: HTTP %d.' % status,
                                    status=status)
    if isinstance(decoded, bool):
        return decoded, raw
    if raw == '' or raw.lower() == 'passed':
        return True, raw
    if raw.lower() == 'failed':
        return False, raw
    raise ZvmUnexpectedResponse('Unexpected answer from POST /v1/localsite/billing/sendUsage: %r.' % raw[:200],
                                status=status)


def _looks_like_keycloak(answer):
    """A token endpoint answers with a token or an OAuth error object; anything else is not Keycloak."""
    return isinstance(answer, dict) and bool(answer.get('access_token') or answer.get('error'))


def _body_excerpt(response):
    text = (response.text or '').strip().replace('\n', ' ')
    return text[:200]


class ZvmClient(object):
    """Use as a context manager: logs in on enter and always ends the session on exit."""

    def __init__(self, api_url, username=None, password=None, client_id=None, client_secret=None,
                 auth='auto', validate_certs=True, ca_path=None, timeout=30, proxy=None):
        self.base_url, port = parse_api_url(api_url)
        if timeout is None or timeout <= 0:
            raise ZvmOptionsError('timeout must be a positive number of seconds.')
        if validate_certs and ca_path:
            check_ca_path(ca_path)
        self.mode = choose_auth(auth, port, username, password, client_id, client_secret)
        self.username = username
        self.password = password
        self.client_id = client_id
        self.client_secret = client_secret
        self.timeout = timeout
        self.flow = None
        self.warnings = []
        self._auth_headers = {}
        self._refresh_token = None
        self._http = requests.Session()
        # Environment proxies are resolved here; trust_env would also let ~/.netrc replace our auth.
        self._http.trust_env = False
        self._proxy_password = parse_proxy_url(proxy)
        if proxy:
            self._http.proxies = {'https': proxy, 'http': proxy}
        else:
            self._http.proxies = requests.utils.get_environ_proxies(self.base_url)
        self._http.verify = (ca_path or True) if validate_certs else False
        if not validate_certs:
            requests.packages.urllib3.disable_warnings()
            self.warnings.append('validate_certs is false: the ZVM certificate is not checked.')

    @property
    def platform(self):
        return PLATFORMS.get(self.flow)

    def __enter__(self):
        try:
            self.login()
        except Exception:
            self.close()
            raise
        return self

    def __exit__(self, exc_type, exc_value, tb):
        self.close()
        return False

    def scrub(self, text):
        return scrub(text, self.username, (self.password, self.client_secret, self._refresh_token, self._proxy_password)
                     + tuple(self._auth_headers.values()))

    def _raw(self, method, path, **kwargs):
        url = self.base_url + path
        headers = {'Accept': 'application/json'}
        headers.update(kwargs.pop('headers', {}))
        try:
            return self._http.request(method, url, headers=headers, timeout=self.timeout, **kwargs)
        except requests.exceptions.RequestException as exc:
            raise transport_error(exc, self.base_url)

    def login(self):
        """Authenticate; ``flow`` (and so ``platform``) is only set once a login succeeded."""
        if self.mode == 'probe':
            flow = 'keycloak' if self._login_keycloak(probe=True) else 'session'
        else:
            flow = self.mode
            if flow == 'keycloak':
                self._login_keycloak()
        if flow == 'session':
            self._login_session()
        self.flow = flow

    def _login_session(self):
        response = self._raw('POST', SESSION_ADD_PATH, auth=(self.username, self.password),
                             headers={'Content-Type': 'application/json'})
        if response.status_code in (401, 403):
            raise ZvmCredentialsError(
                'The ZVM API at %s rejected the credentials: wrong credentials (HTTP %d on session login). '
                'Check username and password.' % (self.base_url, response.status_code), status=response.status_code)
        if response.status_code == 404:
            raise ZvmUnexpectedResponse(
                'The ZVM API at %s has no %s (HTTP 404): this is not a Windows ZVM session endpoint; '
                'for a ZVM Appliance use auth: keycloak.' % (self.base_url, SESSION_ADD_PATH), status=404)
        if not 200 <= response.status_code < 300:
            raise ZvmUnexpectedResponse('Unexpected answer to session login at %s: HTTP %d.'
                                        % (self.base_url, response.status_code), status=response.status_code)
        session_id = response.headers.get(SESSION_HEADER)
        if not session_id:
            raise ZvmUnexpectedResponse('Session login at %s succeeded but the answer has no %s header.'
                                        % (self.base_url, SESSION_HEADER), status=response.status_code)
        self._auth_headers = {SESSION_HEADER: session_id}

    def _token_form(self):
        if self.client_secret:
            return {'grant_type': 'client_credentials', 'client_id': self.client_id,
                    'client_secret': self.client_secret}
        return {'grant_type': 'password', 'client_id': self.client_id or PASSWORD_GRANT_CLIENT_ID,
                'username': self.username, 'password': self.password}

    def _login_keycloak(self, probe=False):
        """True when a token was obtained; False only when probing found no Keycloak behind the URL."""
        response = self._raw('POST', TOKEN_PATH, data=self._token_form())
        answer = self._json_or_none(response)
        if probe and not _looks_like_keycloak(answer):
            return False
        error = str(answer.get('error', '')) if isinstance(answer, dict) else ''
        if response.status_code in (401, 403) or error in KEYCLOAK_CREDENTIAL_ERRORS:
            detail = answer.get('error_description') or error if isinstance(answer, dict) else ''
            raise ZvmCredentialsError(
                'The ZVM Appliance at %s rejected the credentials: wrong credentials (HTTP %d on the Keycloak '
                'token endpoint%s). Check %s.' % (
                    self.base_url, response.status_code, ': %s' % detail if detail else '',
                    'client_id and client_secret' if self.client_secret else 'username and password'),
                status=response.status_code)
        if response.status_code == 404:
            raise ZvmUnexpectedResponse(
                'The ZVM API at %s has no Keycloak token endpoint (HTTP 404): for a Windows ZVM use auth: session.'
                % self.base_url, status=404)
        if not 200 <= response.status_code < 300:
            raise ZvmUnexpectedResponse('Unexpected answer from the Keycloak token endpoint at %s: HTTP %d %s'
                                        % (self.base_url, response.status_code, self.scrub(_body_excerpt(response))),
                                        status=response.status_code)
        token = answer.get('access_token') if isinstance(answer, dict) else None
        if not token:
            raise ZvmUnexpectedResponse('The Keycloak token endpoint at %s answered without an access_token.'
                                        % self.base_url, status=response.status_code)
        self._auth_headers = {'Authorization': 'Bearer %s' % token}
        self._refresh_token = answer.get('refresh_token') or None
        return True

    @staticmethod
    def _json_or_none(response):
        try:
            return response.json()
        except ValueError:
            return None

    def request(self, method, path, allow_server_error=False):
        """Authenticated call; on 401 logs in once more (the session or token may have expired)."""
        response = self._raw(method, path, headers=self._auth_headers)
        if response.status_code == 401:
            self.logout()
            self.login()
            response = self._raw(method, path, headers=self._auth_headers)
        if response.status_code in (401, 403):
            what = 'rejected the fresh session' if response.status_code == 401 else 'refused access (permissions)'
            raise ZvmCredentialsError('The ZVM API at %s %s on %s %s (HTTP %d).'
                                      % (self.base_url, what, method, path, response.status_code),
                                      status=response.status_code)
        if 200 <= response.status_code < 300 or (allow_server_error and response.status_code >= 500):
            return response
        raise ZvmUnexpectedResponse('Unexpected answer from %s %s at %s: HTTP %d %s'
                                    % (method, path, self.base_url, response.status_code,
                                       self.scrub(_body_excerpt(response))), status=response.status_code)

    def get_json(self, path):
        response = self.request('GET', path)
        try:
            return response.json()
        except ValueError:
            raise ZvmUnexpectedResponse('Unexpected answer from GET %s at %s: not JSON (%s).'
                                        % (path, self.base_url, self.scrub(_body_excerpt(response)) or 'empty body'),
                                        status=response.status_code)

    def send_usage(self):
        """``(sent, raw, status)`` of ``POST /v1/localsite/billing/sendUsage``."""
        response = self.request('POST', '/v1/localsite/billing/sendUsage', allow_server_error=True)
        sent, raw = interpret_send_usage(response.status_code, response.text)
        return sent, self.scrub(raw), response.status_code

    def logout(self):
        """End the session (or Keycloak session); failures become warnings, never errors."""
        headers, refresh, self._auth_headers, self._refresh_token = self._auth_headers, self._refresh_token, {}, None
        try:
            if self.flow == 'session' and headers:
                response = self._raw('DELETE', SESSION_PATH, headers=headers)
            elif self.flow == 'keycloak' and refresh:
                form = {'client_id': self.client_id or PASSWORD_GRANT_CLIENT_ID, 'refresh_token': refresh}
                if self.client_secret:
                    form['client_secret'] = self.client_secret
                response = self._raw('POST', LOGOUT_PATH, data=form)
            else:
                return
        except ZvmApiError as exc:
            self.warnings.append('Could not end the ZVM API session: %s' % exc.message)
            return
        if response.status_code >= 400 and response.status_code != 401:
            self.warnings.append('Ending the ZVM API session answered HTTP %d.' % response.status_code)

    def close(self):
        try:
            self.logout()
        finally:
            self._http.close()


def client_from_module(module):
    """A ZvmClient built from the module's shared options; fails the module when requests is missing."""
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)
    params = module.params
    return ZvmClient(params['api_url'], username=params['username'], password=params['password'],
                     client_id=params['client_id'], client_secret=params['client_secret'], auth=params['auth'],
                     validate_certs=params['validate_certs'], ca_path=params['ca_path'],
                     timeout=params['timeout'], proxy=params['proxy'])


def fail_with_api_error(module, exc, client=None, **result):
    """Fail the module with the error's class and a message free of secrets."""
    params = module.params
    message = scrub(exc.message, params.get('username'), (params.get('password'), params.get('client_secret')))
    if client is not None:
        message = client.scrub(message)
        if client.platform:
            result.setdefault('platform', client.platform)
        for warning in client.warnings:
            module.warn(client.scrub(warning))
    result.update(exc.as_result())
    module.fail_json(msg=message, **result)
