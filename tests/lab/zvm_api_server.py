# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Lab ZVM REST API server (standard library only).

Serves, over TLS, the parts of the ZVM API the collection uses, in the two flavours:

- ``session`` listeners (Windows ZVM): ``POST /v1/session/add`` (HTTP Basic) answers an
  ``x-zerto-session`` header; ``DELETE /v1/session`` ends it; sessions expire after
  ``session_ttl`` idle seconds.
- ``keycloak`` listeners (ZVM Appliance): ``POST /auth/realms/zerto/protocol/openid-connect/token``
  (client_credentials or password grant with client id ``zerto-client``) and ``.../logout``;
  tokens expire after ``token_ttl`` seconds.

Both serve ``GET /v1/localsite``, ``GET /v1/alerts``, ``GET /v1/license`` and
``POST /v1/localsite/billing/sendUsage`` in PascalCase or camelCase keys (per listener). A listener's
``send_flavour`` is ``legacy`` (200 "Passed"/"Failed") or ``modern`` (200 empty / 500).

sendUsage really opens a TLS connection (verified with the lab CA) to the billing endpoint and
posts a usage record; on failure the answer is a failure and an active LIC0012 alert is raised, on
success the alert clears. ``send_mode: fail`` fails without connecting.

A plain HTTP control port (lab only) serves ``GET /lab/state``, ``POST /lab/config``,
``POST /lab/alerts`` and ``POST /lab/reset``; the state counts logins, logouts, expiries,
sendUsage outcomes and API requests per client address.

Usage: zvm_api_server.py --address A --cert C --key K --billing HOST:PORT --billing-ca CA
       --listener session:9669:pascal:legacy --listener keycloak:443:camel:modern
       --username U --password P --client-id I --client-secret S [--control-port 8080]
"""

import argparse
import base64
import copy
import datetime
import json
import secrets
import socket
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

SITE_IDENTIFIER = '7c1fdd3a-5a3b-4d50-9d52-1a2f0e4a7d10'
LICENSE_KEY = 'ZBA-LAB-LICENSE-KEY-4d3c2b1a'
TOKEN_PATH = '/auth/realms/zerto/protocol/openid-connect/token'
LOGOUT_PATH = '/auth/realms/zerto/protocol/openid-connect/logout'
PASSWORD_GRANT_CLIENT_ID = 'zerto-client'


def now_iso():
    return datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.%fZ')


def camel_keys(value):
    """PascalCase keys to camelCase, recursively."""
    if isinstance(value, dict):
        return {key[:1].lower() + key[1:]: camel_keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [camel_keys(item) for item in value]
    return value


def make_alert(help_identifier, level, description, dismissed=False, entity='Zvm'):
    identifier = secrets.token_hex(8)
    return {
        'Link': {'href': '/v1/alerts/%s' % identifier, 'identifier': identifier, 'rel': None, 'type': 'AlertApi'},
        'Level': level, 'Entity': entity, 'IsDismissed': dismissed, 'HelpIdentifier': help_identifier,
        'Site': {'href': '/v1/localsite', 'identifier': SITE_IDENTIFIER}, 'Description': description,
        'TurnedOn': now_iso(), 'AffectedVpgs': [], 'AffectedZorgs': [],
    }


def baseline_alerts():
    return [
        make_alert('VPG0004', 'Warning', "VPG 'lab-vpg' is not meeting its SLA (RPO 300 s).", entity='Vpg'),
        make_alert('LIC0013', 'Error', 'Critical billing usage warning: the site is not protected until resolved.',
                   dismissed=True),
    ]


class Lab(object):
    """All mutable lab state, behind one lock."""

    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        with self.lock:
            self.config = {
                'send_mode': 'billing', 'session_ttl': self.args.session_ttl, 'token_ttl': self.args.token_ttl,
                'localsite_mode': 'ok', 'slow_localsite': 0.0, 'billing_timeout': self.args.billing_timeout,
                'listeners': {str(port): dict(profile) for port, profile in self.args.profiles.items()},
            }
            self.sessions = {}
            self.tokens = {}
            self.keycloak_sessions = set()
            self.alerts = baseline_alerts()
            self.billing_alert = None
            self.clients = {}
            self.counts = dict.fromkeys(
                ('session_logins', 'session_logouts', 'session_login_failures', 'session_expired_rejections',
                 'keycloak_logins', 'keycloak_logouts', 'keycloak_login_failures', 'token_expired_rejections',
                 'send_usage_calls', 'billing_successes', 'billing_failures'), 0)

    def state(self):
        with self.lock:
            now = time.monotonic()
            ttl = self.config['session_ttl']
            return {
                'open_sessions': sum(1 for seen in self.sessions.values() if now - seen <= ttl),
                'open_keycloak_sessions': len(self.keycloak_sessions),
                'billing_alert_active': self.billing_alert is not None,
                'counts': dict(self.counts),
                'clients': dict(self.clients),
                'config': copy.deepcopy(self.config),
            }

    def count(self, name):
        with self.lock:
            self.counts[name] += 1

    def set_billing_result(self, ok):
        with self.lock:
            self.counts['billing_successes' if ok else 'billing_failures'] += 1
            if ok:
                self.billing_alert = None
            elif self.billing_alert is None:
                self.billing_alert = make_alert(
                    'LIC0012', 'Warning', 'Billing usage warning: the ZVM did not send billing usage to the Zerto '
                    'servers. Protection stops if this is not resolved.')


def contact_billing(lab):
    """Really post a usage record to the billing endpoint over verified TLS; True on a 2xx answer."""
    host, port = lab.args.billing
    context = ssl.create_default_context(cafile=lab.args.billing_ca)
    body = json.dumps({'siteIdentifier': SITE_IDENTIFIER, 'protectedVms': 12, 'at': now_iso()}).encode()
    request = ('POST /v1/usage HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n'
               'Connection: close\r\n\r\n' % (host, len(body))).encode() + body
    try:
        with socket.create_connection((host, port), timeout=lab.config['billing_timeout']) as raw:
            with context.wrap_socket(raw, server_hostname=host) as tls:
                tls.sendall(request)
                status_line = tls.makefile('rb').readline().decode('latin-1')
        ok = status_line.split()[1].startswith('2') if len(status_line.split()) > 1 else False
        sys.stderr.write('billing %s:%d -> %s\n' % (host, port, status_line.strip()))
        return ok
    except (OSError, ssl.SSLError) as exc:
        sys.stderr.write('billing %s:%d failed: %s\n' % (host, port, exc))
        return False


class ZvmHandler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'ZbaLabZvm/1.0'

    def setup(self):
        self.request = self.server.tls.wrap_socket(self.request, server_side=True)
        super().setup()

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        sys.stderr.write('%s :%d %s\n' % (self.address_string(), self.server.port, format % args))

    @property
    def lab(self):
        return self.server.lab

    @property
    def profile(self):
        return self.lab.config['listeners'][str(self.server.port)]

    def body(self):
        length = int(self.headers.get('Content-Length') or 0)
        return self.rfile.read(length) if length else b''

    def answer(self, status, payload=None, headers=None, raw=None, content_type='application/json'):
        data = raw if raw is not None else (b'' if payload is None else json.dumps(payload).encode())
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if data:
            self.send_header('Content-Type', content_type)
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def shaped(self, pascal):
        return camel_keys(pascal) if self.profile['casing'] == 'camel' else pascal

    def not_found(self):
        self.answer(404, raw=b'<html><body>404 Not Found</body></html>', content_type='text/html')

    # --- authentication -------------------------------------------------------------------
    def basic_credentials(self):
        header = self.headers.get('Authorization') or ''
        if not header.startswith('Basic '):
            return None, None
        try:
            user, _sep, password = base64.b64decode(header[6:]).decode('utf-8').partition(':')
        except (ValueError, UnicodeDecodeError):
            return None, None
        return user, password

    def session_add(self):
        self.body()
        user, password = self.basic_credentials()
        args = self.lab.args
        if user != args.username or password != args.password:
            self.lab.count('session_login_failures')
            return self.answer(401, {'Message': 'Authorization has been denied for this request.'})
        session_id = secrets.token_hex(16)
        with self.lab.lock:
            self.lab.sessions[session_id] = time.monotonic()
            self.lab.counts['session_logins'] += 1
        return self.answer(200, headers={'x-zerto-session': session_id})

    def session_valid(self, touch=True):
        session_id = self.headers.get('x-zerto-session')
        with self.lab.lock:
            seen = self.lab.sessions.get(session_id)
            if seen is None:
                return False
            if time.monotonic() - seen > self.lab.config['session_ttl']:
                del self.lab.sessions[session_id]
                self.lab.counts['session_expired_rejections'] += 1
                return False
            if touch:
                self.lab.sessions[session_id] = time.monotonic()
            return True

    def session_delete(self):
        session_id = self.headers.get('x-zerto-session')
        if not self.session_valid(touch=False):
            return self.answer(401, {'Message': 'Authorization has been denied for this request.'})
        with self.lab.lock:
            self.lab.sessions.pop(session_id, None)
            self.lab.counts['session_logouts'] += 1
        return self.answer(200)

    def token(self):
        form = {key: values[0] for key, values in parse_qs(self.body().decode('utf-8')).items()}
        args = self.lab.args
        grant = form.get('grant_type')
        if grant == 'client_credentials':
            ok = form.get('client_id') == args.client_id and form.get('client_secret') == args.client_secret
            error = {'error': 'unauthorized_client', 'error_description': 'Invalid client or Invalid client credentials'}
        elif grant == 'password':
            if form.get('client_id') != PASSWORD_GRANT_CLIENT_ID:
                self.lab.count('keycloak_login_failures')
                return self.answer(401, {'error': 'invalid_client', 'error_description': 'Invalid client credentials'})
            ok = form.get('username') == args.username and form.get('password') == args.password
            error = {'error': 'invalid_grant', 'error_description': 'Invalid user credentials'}
        else:
            return self.answer(400, {'error': 'unsupported_grant_type',
                                     'error_description': 'Unsupported grant_type'})
        if not ok:
            self.lab.count('keycloak_login_failures')
            return self.answer(401, error)
        access = secrets.token_urlsafe(32)
        ttl = self.lab.config['token_ttl']
        answer = {'access_token': access, 'expires_in': ttl, 'token_type': 'Bearer', 'scope': 'profile email'}
        with self.lab.lock:
            self.lab.tokens[access] = time.monotonic() + ttl
            self.lab.counts['keycloak_logins'] += 1
            if grant == 'password':
                refresh = secrets.token_urlsafe(32)
                self.lab.keycloak_sessions.add(refresh)
                answer.update(refresh_token=refresh, refresh_expires_in=1800)
        return self.answer(200, answer)

    def logout(self):
        form = {key: values[0] for key, values in parse_qs(self.body().decode('utf-8')).items()}
        with self.lab.lock:
            if form.get('refresh_token') not in self.lab.keycloak_sessions:
                return self.answer(400, {'error': 'invalid_grant', 'error_description': 'Invalid refresh token'})
            self.lab.keycloak_sessions.discard(form['refresh_token'])
            self.lab.counts['keycloak_logouts'] += 1
        return self.answer(204)

    def bearer_valid(self):
        header = self.headers.get('Authorization') or ''
        token = header[7:] if header.startswith('Bearer ') else None
        with self.lab.lock:
            expiry = self.lab.tokens.get(token)
            if expiry is None:
                return False
            if time.monotonic() > expiry:
                del self.lab.tokens[token]
                self.lab.counts['token_expired_rejections'] += 1
                return False
            return True

    def authorised(self):
        if self.server.flavour == 'session':
            return self.session_valid()
        return self.bearer_valid()

    # --- API -----------------------------------------------------------------------------
    def localsite(self):
        delay = self.lab.config['slow_localsite']
        if delay:
            time.sleep(delay)
        mode = self.lab.config['localsite_mode']
        if mode == 'bad_json':
            return self.answer(200, raw=b'<html><body>Service starting</body></html>', content_type='text/html')
        if mode == 'not_object':
            return self.answer(200, ['not', 'an', 'object'])
        site = {'SiteIdentifier': SITE_IDENTIFIER, 'SiteName': 'zba-lab-site', 'Location': 'lab',
                'Version': self.profile['version'], 'IsReplicationToSelfEnabled': True,
                'Link': {'href': '/v1/localsite', 'identifier': SITE_IDENTIFIER}}
        if self.profile.get('display_version'):
            site['DisplayVersion'] = self.profile['display_version']
        return self.answer(200, self.shaped(site))

    def alerts(self):
        with self.lab.lock:
            alerts = list(self.lab.alerts) + ([self.lab.billing_alert] if self.lab.billing_alert else [])
            alerts = copy.deepcopy(alerts)
        return self.answer(200, self.shaped(alerts))

    def license(self):
        return self.answer(200, self.shaped({
            'Details': {'LicenseKey': LICENSE_KEY, 'LicenseType': 'Production', 'ExpiryTime': '2030-12-31T00:00:00Z',
                        'MaxVms': 500},
            'Usage': {'SiteUsages': [{'SiteName': 'zba-lab-site', 'TotalVmsCount': 12}], 'TotalVmsCount': 12},
        }))

    def send_usage(self):
        self.body()
        self.lab.count('send_usage_calls')
        ok = self.lab.config['send_mode'] != 'fail' and contact_billing(self.lab)
        self.lab.set_billing_result(ok)
        if self.profile['send_flavour'] == 'legacy':
            return self.answer(200, 'Passed' if ok else 'Failed')
        if ok:
            return self.answer(200)
        return self.answer(500, {'Message': 'Failed to send usage data to the billing server.'})

    def route(self, method):
        path = urlsplit(self.path).path.rstrip('/')
        with self.lab.lock:
            client = self.client_address[0]
            self.lab.clients[client] = self.lab.clients.get(client, 0) + 1
        flavour = self.server.flavour
        if flavour == 'session' and method == 'POST' and path == '/v1/session/add':
            return self.session_add()
        if flavour == 'session' and method == 'DELETE' and path == '/v1/session':
            return self.session_delete()
        if flavour == 'keycloak' and method == 'POST' and path == TOKEN_PATH:
            return self.token()
        if flavour == 'keycloak' and method == 'POST' and path == LOGOUT_PATH:
            return self.logout()
        routes = {('GET', '/v1/localsite'): self.localsite, ('GET', '/v1/alerts'): self.alerts,
                  ('GET', '/v1/license'): self.license,
                  ('POST', '/v1/localsite/billing/sendUsage'): self.send_usage}
        handler = routes.get((method, path))
        if handler is None:
            self.body()
            return self.not_found()
        if not self.authorised():
            self.body()
            return self.answer(401, {'Message': 'Authorization has been denied for this request.'})
        return handler()

    def do_GET(self):
        self.route('GET')

    def do_POST(self):
        self.route('POST')

    def do_DELETE(self):
        self.route('DELETE')


class ControlHandler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        sys.stderr.write('control %s\n' % (format % args))

    def answer(self, status, payload):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == '/lab/state':
            return self.answer(200, self.server.lab.state())
        return self.answer(404, {'error': 'not found'})

    def do_POST(self):
        lab = self.server.lab
        length = int(self.headers.get('Content-Length') or 0)
        try:
            payload = json.loads(self.rfile.read(length) or b'{}')
        except ValueError:
            return self.answer(400, {'error': 'body is not JSON'})
        if self.path == '/lab/reset':
            lab.reset()
        elif self.path == '/lab/config':
            with lab.lock:
                for port, changes in payload.pop('listeners', {}).items():
                    lab.config['listeners'][str(port)].update(changes)
                unknown = set(payload) - set(lab.config)
                if unknown:
                    return self.answer(400, {'error': 'unknown keys %s' % sorted(unknown)})
                lab.config.update(payload)
        elif self.path == '/lab/alerts':
            with lab.lock:
                lab.alerts.append(make_alert(payload['help_identifier'], payload.get('level', 'Warning'),
                                             payload['description'], payload.get('dismissed', False)))
        else:
            return self.answer(404, {'error': 'not found'})
        return self.answer(200, lab.state())


class LabServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, handler, lab, flavour=None, tls=None):
        super().__init__(address, handler)
        self.lab = lab
        self.flavour = flavour
        self.tls = tls
        self.port = address[1]

    def handle_error(self, request, client_address):
        sys.stderr.write('connection from %s on :%d failed: %s\n' % (client_address[0], self.port, sys.exc_info()[1]))


def parse_listener(text):
    flavour, port, casing, send_flavour = text.split(':')
    if flavour not in ('session', 'keycloak') or casing not in ('pascal', 'camel') \
            or send_flavour not in ('legacy', 'modern'):
        raise argparse.ArgumentTypeError('listener is FLAVOUR:PORT:CASING:SEND_FLAVOUR, got %r' % text)
    return flavour, int(port), casing, send_flavour


def parse_billing(text):
    host, _sep, port = text.rpartition(':')
    return host, int(port)


def parse_args(argv):
    parser = argparse.ArgumentParser(description='Lab ZVM REST API server.')
    parser.add_argument('--address', required=True)
    parser.add_argument('--cert', required=True)
    parser.add_argument('--key', required=True)
    parser.add_argument('--listener', action='append', type=parse_listener, required=True)
    parser.add_argument('--control-port', type=int, default=8080)
    parser.add_argument('--billing', type=parse_billing, required=True, help='HOST:PORT of the billing endpoint')
    parser.add_argument('--billing-ca', required=True)
    parser.add_argument('--billing-timeout', type=float, default=2.0)
    parser.add_argument('--username', required=True)
    parser.add_argument('--password', required=True)
    parser.add_argument('--client-id', required=True)
    parser.add_argument('--client-secret', required=True)
    parser.add_argument('--session-ttl', type=float, default=1800.0)
    parser.add_argument('--token-ttl', type=int, default=300)
    parser.add_argument('--version', dest='zvm_version', default='9.7.0.5',
                        help='version reported by pascal listeners')
    parser.add_argument('--camel-version', default='10.0_U1', help='version reported by camel listeners')
    parser.add_argument('--camel-display-version', default='10.0 Update 1')
    args = parser.parse_args(argv)
    args.profiles = {}
    for flavour, port, casing, send_flavour in args.listener:
        camel = casing == 'camel'
        args.profiles[port] = {'flavour': flavour, 'casing': casing, 'send_flavour': send_flavour,
                               'version': args.camel_version if camel else args.zvm_version,
                               'display_version': args.camel_display_version if camel else None}
    return args


def main(argv):
    args = parse_args(argv)
    lab = Lab(args)
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(args.cert, args.key)
    servers = [LabServer((args.address, port), ZvmHandler, lab, flavour, tls)
               for flavour, port, _casing, _send in args.listener]
    servers.append(LabServer((args.address, args.control_port), ControlHandler, lab))
    for server in servers[1:]:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stderr.write('zvm lab API ready on %s ports %s\n' % (args.address, [s.port for s in servers]))
    sys.stderr.flush()
    try:
        servers[0].serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
