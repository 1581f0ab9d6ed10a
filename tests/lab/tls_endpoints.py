"""Lab billing endpoints: one HTTPS (or plain) listener per address, from a JSON spec.

Standard library only: runs inside a lab host with the system Python.
Spec: [{"address": "...", "port": 443, "cert": "...", "key": "...", "tls": true}, ...]
"""

import http.server
import json
import ssl
import sys
import threading


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = "zerto-billing-lab/1"

    def do_GET(self):  # noqa: N802 - http.server naming
        body = b"zerto billing lab endpoint\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.server.server_address[0], fmt % args))


def serve(entry):
    server = http.server.ThreadingHTTPServer((entry["address"], entry.get("port", 443)), Handler)
    if entry.get("tls", True):
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(entry["cert"], entry["key"])
        server.socket = context.wrap_socket(server.socket, server_side=True)
    server.serve_forever()


def main():
    with open(sys.argv[1]) as handle:
        spec = json.load(handle)
    threads = [threading.Thread(target=serve, args=(entry,), daemon=True) for entry in spec]
    for thread in threads:
        thread.start()
    print("ready", flush=True)
    for thread in threads:
        thread.join()


if __name__ == "__main__":
    main()
