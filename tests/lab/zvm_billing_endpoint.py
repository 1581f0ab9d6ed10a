# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Lab stand-in for Zerto's billing server (standard library only).

Accepts ``POST /v1/usage`` over TLS and answers 200; ``GET /lab/state`` returns how many usage
records arrived.

Usage: zvm_billing_endpoint.py --address A --port 443 --cert C --key K
"""

import argparse
import json
import ssl
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class UsageHandler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    server_version = 'ZbaLabBilling/1.0'

    def setup(self):
        self.request = self.server.tls.wrap_socket(self.request, server_side=True)
        super().setup()

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        sys.stderr.write('billing %s %s\n' % (self.address_string(), format % args))

    def answer(self, status, payload):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == '/lab/state':
            with self.server.lock:
                return self.answer(200, {'received': self.server.received})
        return self.answer(404, {'error': 'not found'})

    def do_POST(self):
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(length)
        if self.path != '/v1/usage':
            return self.answer(404, {'error': 'not found'})
        try:
            json.loads(body)
        except ValueError:
            return self.answer(400, {'error': 'usage record is not JSON'})
        with self.server.lock:
            self.server.received += 1
        return self.answer(200, {'accepted': True})


class UsageServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, tls):
        super().__init__(address, UsageHandler)
        self.tls = tls
        self.lock = threading.Lock()
        self.received = 0

    def handle_error(self, request, client_address):
        sys.stderr.write('billing connection from %s failed: %s\n' % (client_address[0], sys.exc_info()[1]))


def main(argv):
    parser = argparse.ArgumentParser(description='Lab billing endpoint.')
    parser.add_argument('--address', required=True)
    parser.add_argument('--port', type=int, default=443)
    parser.add_argument('--cert', required=True)
    parser.add_argument('--key', required=True)
    args = parser.parse_args(argv)
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(args.cert, args.key)
    server = UsageServer((args.address, args.port), tls)
    sys.stderr.write('billing endpoint ready on %s:%d\n' % (args.address, args.port))
    sys.stderr.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
