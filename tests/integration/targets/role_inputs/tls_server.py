"""Serve HTTPS on 127.0.0.1 (any free port) with the given certificate, for gate 2 to pass.

Usage: python3 tls_server.py CERT KEY PORT_FILE. Writes the port to PORT_FILE, then serves until killed.
"""
import http.server
import ssl
import sys


class Answer(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's naming)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_HEAD = do_GET

    def log_message(self, *args):
        pass


def main(cert, key, port_file):
    server = http.server.HTTPServer(("127.0.0.1", 0), Answer)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    with open(port_file, "w", encoding="ascii") as handle:
        handle.write(str(server.server_address[1]))
    server.serve_forever()


if __name__ == "__main__":
    main(*sys.argv[1:4])
