"""TLS servers of the lab billing host: one listener per address, 200 on any path.

Usage: billing_https.py ENDPOINTS_JSON, where the file lists
{"name", "address", "port", "cert", "key"} objects.
"""

import json
import signal
import ssl
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def handler_for(endpoint_name):
    class Handler(BaseHTTPRequestHandler):
        server_version = "zerto-billing-lab"

        def _answer(self, with_body=True):
            body = json.dumps({"endpoint": endpoint_name, "path": self.path}).encode() + b"\n"
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if with_body:
                self.wfile.write(body)

        def do_GET(self):  # noqa: N802 (http.server naming)
            self._answer()

        def do_POST(self):  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            self._answer()

        def do_HEAD(self):  # noqa: N802
            self._answer(with_body=False)

        def log_message(self, format, *args):  # noqa: A002 (signature of the base class)
            sys.stderr.write("%s %s %s\n" % (endpoint_name, self.address_string(), format % args))

    return Handler


def serve(endpoint):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(endpoint["cert"], endpoint["key"])
    server = ThreadingHTTPServer((endpoint["address"], endpoint["port"]), handler_for(endpoint["name"]))
    server.daemon_threads = True
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server


def main():
    with open(sys.argv[1], encoding="utf-8") as handle:
        endpoints = json.load(handle)
    for endpoint in endpoints:
        serve(endpoint)
        print("serving %(name)s on %(address)s:%(port)s" % endpoint, flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()


if __name__ == "__main__":
    main()
