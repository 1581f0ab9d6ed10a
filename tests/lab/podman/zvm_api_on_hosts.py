# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lab ZVM API (tests/lab/zvm_api_server.py) on the podman lab's ZVM hosts.

Each lab ZVM container runs the server on its own loopback (session API on 9669, control on 8080),
and its sendUsage really leaves through that container's firewall towards the lab's new billing
endpoint: without the allow the send fails (and LIC0012 is raised), with it the send passes. The
controller reaches each API at https://localhost:PORT through zvm_api_relay.py. The server
certificate (names localhost and 127.0.0.1) is signed by the lab CA.

  zvm_api_on_hosts.py start CONTAINER PORT [--version V]   (re)start server and relay
  zvm_api_on_hosts.py set-version VERSION CONTAINER...     what the ZVM reports (the "upgrade")
  zvm_api_on_hosts.py version CONTAINER                    print the reported version
  zvm_api_on_hosts.py upgrade-when-allowed VERSION CONTAINER... [--delay S] [--timeout S]
        set VERSION on each container S seconds after the collection's allow appears in its
        firewall (a person upgrading each ZVM once pre_upgrade has opened it)
  zvm_api_on_hosts.py stop CONTAINER PORT                  stop server and relay
"""

import argparse
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import time

import lab_certs
from lab_podman import podman, podman_json

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, 'group_vars', 'all', 'lab.json'), encoding='utf-8') as plan_file:
    PLAN = json.load(plan_file)
SERVER_SOURCE = os.path.join(HERE, '..', 'zvm_api_server.py')
STATE_DIR = os.path.join(PLAN['lab_state_dir'], 'zvm_api')
IN_CONTAINER = '/opt/zvm_api'
API_PORT, CONTROL_PORT = 9669, 8080
# Lab-only credentials: the inventory passes the same values (tests/lab/podman/zvm_api_vars.yml).
USERNAME, PASSWORD = 'lab-admin', 'lab-zvm-api-password'
COLLECTION_MARKER = 'zerto_msp.billing'


def relay_pid_file(port):
    return os.path.join(STATE_DIR, 'relay-%d.pid' % port)


def stop_relay(port):
    """Stop the relay of PORT if it still runs: a pid file can outlive its process (and the pid be reused)."""
    try:
        with open(relay_pid_file(port), encoding='ascii') as handle:
            pid = int(handle.read().strip())
        with open('/proc/%d/cmdline' % pid, 'rb') as handle:
            if b'zvm_api_relay.py' in handle.read():
                os.kill(pid, signal.SIGTERM)
    except (OSError, ValueError):
        pass


def container_pid(container):
    return podman_json('inspect', container)[0]['State']['Pid']


def control(container, path, payload=None):
    """POST (or GET without payload) the server's control port from inside the container."""
    code = ('import json,sys,urllib.request\n'
            'data = sys.argv[2].encode() if len(sys.argv) > 2 else None\n'
            'req = urllib.request.Request("http://127.0.0.1:%d" + sys.argv[1], data=data,'
            ' headers={"Content-Type": "application/json"})\n'
            'print(urllib.request.urlopen(req, timeout=5).read().decode())\n' % CONTROL_PORT)
    args = ['exec', container, 'python3', '-c', code, path] + ([json.dumps(payload)] if payload is not None else [])
    return json.loads(podman(*args))


def wait_for_api(port, timeout=20.0):
    context = ssl.create_default_context(cafile=PLAN['lab_ca_controller_path'])
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection(('127.0.0.1', port), timeout=2) as raw:
                with context.wrap_socket(raw, server_hostname='localhost'):
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def cmd_start(args):
    ca = lab_certs.ensure_ca(os.path.dirname(PLAN['lab_ca_controller_path']))
    cert, key = lab_certs.ensure_server_cert(ca, STATE_DIR, 'zvm-api', 'localhost', ['127.0.0.1'])
    podman('exec', args.container, 'sh', '-c',
           'mkdir -p %s; [ -f /run/zvm_api.pid ] && kill "$(cat /run/zvm_api.pid)" 2>/dev/null; true' % IN_CONTAINER)
    for source, name in ((SERVER_SOURCE, 'zvm_api_server.py'), (cert, 'server.pem'), (key, 'server.key')):
        podman('cp', source, '%s:%s/%s' % (args.container, IN_CONTAINER, name))
    server = ['python3', IN_CONTAINER + '/zvm_api_server.py', '--address', '127.0.0.1',
              '--cert', IN_CONTAINER + '/server.pem', '--key', IN_CONTAINER + '/server.key',
              '--listener', 'session:%d:pascal:legacy' % API_PORT, '--control-port', str(CONTROL_PORT),
              '--billing', '%s:443' % PLAN['lab_new_host'], '--billing-ca', PLAN['lab_ca_path'],
              '--billing-timeout', '3', '--username', USERNAME, '--password', PASSWORD,
              '--client-id', 'lab-client', '--client-secret', 'lab-client-secret', '--version', args.version]
    podman('exec', '-d', args.container, 'sh', '-c',
           'echo $$ > /run/zvm_api.pid; exec %s > /var/log/zvm_api.log 2>&1' % ' '.join(server))
    stop_relay(args.port)
    os.makedirs(STATE_DIR, exist_ok=True)
    with open(os.path.join(STATE_DIR, 'relay-%d.log' % args.port), 'ab') as log:
        relay = subprocess.Popen(  # pylint: disable=consider-using-with
            [sys.executable, os.path.join(HERE, 'zvm_api_relay.py'), '--listen', str(args.port),
             '--pid', str(container_pid(args.container)), '--target', str(API_PORT)],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
    with open(relay_pid_file(args.port), 'w', encoding='ascii') as handle:
        handle.write(str(relay.pid))
    wait_for_api(args.port)
    print('%s: ZVM API %s at https://localhost:%d' % (args.container, args.version, args.port))
    return 0


def cmd_set_version(args):
    for container in args.containers:
        control(container, '/lab/config', {'listeners': {str(API_PORT): {'version': args.version}}})
        print('%s: ZVM API now reports %s' % (container, args.version))
    return 0


def cmd_version(args):
    print(control(args.container, '/lab/state')['config']['listeners'][str(API_PORT)]['version'])
    return 0


def allowed(container):
    rules = podman('exec', container, 'sh', '-c', 'nft list ruleset 2>/dev/null; iptables-nft-save 2>/dev/null; iptables-legacy-save 2>/dev/null',
                   check=False)
    return COLLECTION_MARKER in rules


def cmd_upgrade_when_allowed(args):
    pending = {container: None for container in args.containers}
    deadline = time.monotonic() + args.timeout
    while pending and time.monotonic() < deadline:
        for container in list(pending):
            if pending[container] is None and allowed(container):
                pending[container] = time.monotonic() + args.delay
            if pending[container] is not None and time.monotonic() >= pending[container]:
                control(container, '/lab/config', {'listeners': {str(API_PORT): {'version': args.version}}})
                print('%s: upgraded to %s' % (container, args.version), flush=True)
                del pending[container]
        time.sleep(1)
    for container in pending:
        print('%s: never opened, not upgraded' % container, flush=True)
    return 0


def cmd_stop(args):
    stop_relay(args.port)
    podman('exec', args.container, 'sh', '-c', '[ -f /run/zvm_api.pid ] && kill "$(cat /run/zvm_api.pid)"; true',
           check=False)
    return 0


def main(argv):
    parser = argparse.ArgumentParser(description='The lab ZVM API on the podman lab ZVM hosts.')
    sub = parser.add_subparsers(dest='command', required=True)
    start = sub.add_parser('start')
    start.add_argument('container')
    start.add_argument('port', type=int)
    start.add_argument('--version', default='8.5')
    start.set_defaults(func=cmd_start)
    set_version = sub.add_parser('set-version')
    set_version.add_argument('version')
    set_version.add_argument('containers', nargs='+')
    set_version.set_defaults(func=cmd_set_version)
    version = sub.add_parser('version')
    version.add_argument('container')
    version.set_defaults(func=cmd_version)
    upgrade = sub.add_parser('upgrade-when-allowed')
    upgrade.add_argument('version')
    upgrade.add_argument('containers', nargs='+')
    upgrade.add_argument('--delay', type=float, default=3.0)
    upgrade.add_argument('--timeout', type=float, default=600.0)
    upgrade.set_defaults(func=cmd_upgrade_when_allowed)
    stop = sub.add_parser('stop')
    stop.add_argument('container')
    stop.add_argument('port', type=int)
    stop.set_defaults(func=cmd_stop)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
