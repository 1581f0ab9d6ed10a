# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Lab HTTP CONNECT proxy with Basic proxy authentication (standard library only).

Tunnels only to addresses inside --allow (a CIDR), answers 407 without the right
Proxy-Authorization and 403 for anything else.

Usage: python3 zvm_connect_proxy.py --address A --port 3128 --allow 198.51.100.192/26 --user U --password P
"""

import argparse
import base64
import ipaddress
import select
import socket
import socketserver
import sys


class ConnectHandler(socketserver.StreamRequestHandler):
    def reply(self, status, extra=''):
        self.wfile.write(('HTTP/1.1 %s\r\n%sContent-Length: 0\r\n\r\n' % (status, extra)).encode())

    def read_head(self):
        lines = []
        while True:
            line = self.rfile.readline(8192).decode('latin-1')
            if line in ('', '\r\n', '\n'):
                return lines
            lines.append(line.rstrip('\r\n'))

    def authorised(self, headers):
        expected = base64.b64encode(('%s:%s' % (self.server.user, self.server.password)).encode()).decode()
        return headers.get('proxy-authorization', '') == 'Basic ' + expected

    def handle(self):
        head = self.read_head()
        if not head:
            return
        method, target = (head[0].split() + ['', ''])[:2]
        headers = dict((name.strip().lower(), value.strip())
                       for name, _sep, value in (line.partition(':') for line in head[1:]))
        if method != 'CONNECT':
            return self.reply('405 Method Not Allowed')
        if not self.authorised(headers):
            sys.stderr.write('proxy: 407 for CONNECT %s\n' % target)
            return self.reply('407 Proxy Authentication Required', 'Proxy-Authenticate: Basic realm="zba lab"\r\n')
        host, _sep, port = target.rpartition(':')
        try:
            allowed = ipaddress.ip_address(host.strip('[]')) in self.server.allow
        except ValueError:
            allowed = False
        if not allowed or not port.isdigit():
            sys.stderr.write('proxy: 403 for CONNECT %s\n' % target)
            return self.reply('403 Forbidden')
        try:
            upstream = socket.create_connection((host.strip('[]'), int(port)), timeout=5)
        except OSError as exc:
            sys.stderr.write('proxy: 502 for CONNECT %s: %s\n' % (target, exc))
            return self.reply('502 Bad Gateway')
        sys.stderr.write('proxy: tunnel to %s\n' % target)
        self.reply('200 Connection established')
        self.wfile.flush()
        self.pipe(upstream)

    def pipe(self, upstream):
        client = self.connection
        with upstream:
            while True:
                readable, _w, _x = select.select([client, upstream], [], [], 30)
                if not readable:
                    return
                for source in readable:
                    data = source.recv(65536)
                    if not data:
                        return
                    (upstream if source is client else client).sendall(data)


class ProxyServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main(argv):
    parser = argparse.ArgumentParser(description='Lab CONNECT proxy.')
    parser.add_argument('--address', required=True)
    parser.add_argument('--port', type=int, default=3128)
    parser.add_argument('--allow', required=True, type=ipaddress.ip_network)
    parser.add_argument('--user', required=True)
    parser.add_argument('--password', required=True)
    args = parser.parse_args(argv)
    server = ProxyServer((args.address, args.port), ConnectHandler)
    server.allow, server.user, server.password = args.allow, args.user, args.password
    sys.stderr.write('proxy ready on %s:%d\n' % (args.address, args.port))
    sys.stderr.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
