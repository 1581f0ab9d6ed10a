# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""TCP relay from a port on the controller's loopback into a lab container's network namespace.

The lab network is internal: the controller has no route to the containers. The ZVM API modules run
on the controller (as on AWX), so each lab ZVM's API is made reachable at 127.0.0.1:PORT on the
controller; every connection is opened from inside the container's network namespace (setns on the
connecting thread only) to the lab ZVM API server listening on the container's own loopback. TLS
passes through untouched. Exits when the container's process is gone.

Usage: python3 zvm_api_relay.py --listen PORT --pid CONTAINER_PID --target PORT
"""

import argparse
import ctypes
import os
import socket
import sys
import threading

CLONE_NEWNET = 0x40000000
LIBC = ctypes.CDLL(None, use_errno=True)


def connect_inside(netns_fd, port):
    """Join the container's network namespace (this thread only) and connect to its loopback."""
    if LIBC.setns(netns_fd, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), 'setns failed')
    return socket.create_connection(('127.0.0.1', port), timeout=10)


def pump(source, destination):
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            destination.sendall(data)
    except OSError:
        pass
    finally:
        try:
            destination.shutdown(socket.SHUT_WR)
        except OSError:
            pass


def serve(client, netns_fd, port):
    try:
        upstream = connect_inside(netns_fd, port)
    except OSError as exc:
        sys.stderr.write('relay: connect inside failed: %s\n' % exc)
        client.close()
        return
    upstream.settimeout(None)
    back = threading.Thread(target=pump, args=(upstream, client), daemon=True)
    back.start()
    pump(client, upstream)
    back.join()
    client.close()
    upstream.close()


def main(argv):
    parser = argparse.ArgumentParser(description='Relay 127.0.0.1:LISTEN into a container network namespace.')
    parser.add_argument('--listen', type=int, required=True)
    parser.add_argument('--pid', type=int, required=True, help='a process of the container (podman inspect .State.Pid)')
    parser.add_argument('--target', type=int, required=True, help='port on the container loopback')
    args = parser.parse_args(argv)
    netns_fd = os.open('/proc/%d/ns/net' % args.pid, os.O_RDONLY)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(('127.0.0.1', args.listen))
    listener.listen(64)
    listener.settimeout(2.0)
    sys.stderr.write('relay 127.0.0.1:%d -> pid %d 127.0.0.1:%d\n' % (args.listen, args.pid, args.target))
    sys.stderr.flush()
    while os.path.exists('/proc/%d' % args.pid):
        try:
            client, _address = listener.accept()
        except socket.timeout:
            continue
        threading.Thread(target=serve, args=(client, netns_fd, args.target), daemon=True).start()
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
