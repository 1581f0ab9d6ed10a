# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ZVM API lab: a controller, a ZVM host, a proxy and a billing endpoint, each a network namespace.

The four ``zba-zapi-*`` host namespaces hang off a bridge in a fifth one; addresses are in
198.51.100.192/26, there are no routes beyond it, and nothing touches the root namespace.

    zvm_api_lab.py up <state dir>       build it (after removing leftovers), write lab_vars.json
    zvm_api_lab.py down [state dir]     remove it (also after an aborted run)
    zvm_api_lab.py block-billing        nft output drop on the ZVM towards the billing endpoint
    zvm_api_lab.py unblock-billing      remove that drop
"""

import json
import os
import secrets
import subprocess
import sys
import time

from lab_ca import LabCA

HERE = os.path.dirname(os.path.abspath(__file__))
SWITCH, CONTROLLER, ZVM = 'zba-zapi-sw', 'zba-zapi-ctl', 'zba-zapi-zvm'
PROXY, BILLING = 'zba-zapi-proxy', 'zba-zapi-bill'
HOSTS = {CONTROLLER: '198.51.100.193', ZVM: '198.51.100.194', PROXY: '198.51.100.195', BILLING: '198.51.100.198'}
LAB_NET = '198.51.100.192/26'
PREFIX = 26
PORTS = {'session': 9669, 'keycloak': 443, 'session_alt': 9443, 'control': 8080,
         'closed': 9771, 'filtered': 9772, 'billing': 443, 'proxy': 3128}
LAB_TABLE = 'zba_zapi_lab'
BLOCK_TABLE = 'zba_zapi_billing_block'


def run(*args, check=True, input_text=None):
    return subprocess.run(args, check=check, text=True, input=input_text,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def in_ns(ns, *args, **kwargs):
    return run('ip', 'netns', 'exec', ns, *args, **kwargs)


def namespaces():
    return [line.split()[0] for line in run('ip', 'netns', 'list').stdout.splitlines() if line.strip()]


def remove_namespace(ns):
    if ns not in namespaces():
        return
    for pid in run('ip', 'netns', 'pids', ns, check=False).stdout.split():
        try:
            os.kill(int(pid), 9)
        except (ProcessLookupError, ValueError):
            pass
    run('ip', 'netns', 'del', ns, check=False)


def add_host(ns, address):
    run('ip', 'netns', 'add', ns)
    port = 'p-' + ns[-12:]
    run('ip', '-n', SWITCH, 'link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns)
    run('ip', '-n', SWITCH, 'link', 'set', port, 'master', 'br0', 'up')
    run('ip', '-n', ns, 'addr', 'add', '%s/%d' % (address, PREFIX), 'dev', 'eth0')
    run('ip', '-n', ns, 'link', 'set', 'eth0', 'up')
    run('ip', '-n', ns, 'link', 'set', 'lo', 'up')


def spawn(ns, args, log_path):
    with open(log_path, 'ab') as log:
        subprocess.Popen(['ip', 'netns', 'exec', ns] + list(args), stdout=log, stderr=log, start_new_session=True)


def wait_for_port(ns, address, port, deadline=20.0):
    probe = ('import socket,sys; s=socket.socket(); s.settimeout(0.5); '
             'sys.exit(s.connect_ex((%r, %d)))' % (address, port))
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if in_ns(ns, sys.executable, '-c', probe, check=False).returncode == 0:
            return
        time.sleep(0.2)
    raise RuntimeError('%s:%d did not come up (namespace %s)' % (address, port, ns))


def down(_state=None):
    for ns in (CONTROLLER, ZVM, PROXY, BILLING, SWITCH):
        remove_namespace(ns)


def up(state):
    down()
    os.makedirs(state, exist_ok=True)
    run('ip', 'netns', 'add', SWITCH)
    run('ip', '-n', SWITCH, 'link', 'add', 'br0', 'type', 'bridge')
    run('ip', '-n', SWITCH, 'link', 'set', 'br0', 'up')
    for ns, address in HOSTS.items():
        add_host(ns, address)
    # A port on the ZVM whose packets vanish: connections to it time out.
    ruleset = ('table inet %s {\n chain input {\n  type filter hook input priority 0;\n  tcp dport %d drop\n }\n}\n'
               % (LAB_TABLE, PORTS['filtered']))
    in_ns(ZVM, 'nft', '-f', '-', input_text=ruleset)
    ca = LabCA(os.path.join(state, 'certs'))
    zvm_cert, zvm_key = ca.issue('zvm', ['zvm.zba.lab', HOSTS[ZVM]])
    billing_cert, billing_key = ca.issue('billing', ['billing.zba.lab', HOSTS[BILLING]])
    lab = {
        'zvm_ip': HOSTS[ZVM], 'billing_ip': HOSTS[BILLING], 'proxy_ip': HOSTS[PROXY], 'ports': PORTS,
        'ca_path': ca.ca_path,
        'username': 'zba-operator',
        'password': 'Zba-Pw-%s' % secrets.token_hex(8),
        'client_id': 'zba-automation',
        'client_secret': 'Zba-Secret-%s' % secrets.token_hex(8),
        'license_key': 'ZBA-LAB-LICENSE-KEY-4d3c2b1a',
        'proxy_user': 'zba-proxy-user',
        'proxy_password': 'Zba-ProxyPw-%s' % secrets.token_hex(8),
        'lab_script': os.path.abspath(__file__),
        'state_dir': os.path.abspath(state),
    }
    spawn(BILLING, [sys.executable, os.path.join(HERE, 'zvm_billing_endpoint.py'), '--address', HOSTS[BILLING],
                    '--port', str(PORTS['billing']), '--cert', billing_cert, '--key', billing_key],
          os.path.join(state, 'billing.log'))
    spawn(ZVM, [sys.executable, os.path.join(HERE, 'zvm_api_server.py'), '--address', HOSTS[ZVM],
                '--cert', zvm_cert, '--key', zvm_key,
                '--listener', 'session:%d:pascal:legacy' % PORTS['session'],
                '--listener', 'keycloak:%d:camel:modern' % PORTS['keycloak'],
                '--listener', 'session:%d:pascal:legacy' % PORTS['session_alt'],
                '--control-port', str(PORTS['control']),
                '--billing', '%s:%d' % (HOSTS[BILLING], PORTS['billing']), '--billing-ca', lab['ca_path'],
                '--billing-timeout', '2',
                '--username', lab['username'], '--password', lab['password'],
                '--client-id', lab['client_id'], '--client-secret', lab['client_secret']],
          os.path.join(state, 'zvm_api.log'))
    spawn(PROXY, [sys.executable, os.path.join(HERE, 'zvm_connect_proxy.py'), '--address', HOSTS[PROXY],
                  '--port', str(PORTS['proxy']), '--allow', LAB_NET, '--user', lab['proxy_user'],
                  '--password', lab['proxy_password']], os.path.join(state, 'proxy.log'))
    wait_for_port(CONTROLLER, HOSTS[BILLING], PORTS['billing'])
    wait_for_port(CONTROLLER, HOSTS[PROXY], PORTS['proxy'])
    for name in ('session', 'keycloak', 'session_alt', 'control'):
        wait_for_port(CONTROLLER, HOSTS[ZVM], PORTS[name])
    with open(os.path.join(state, 'lab_vars.json'), 'w') as handle:
        json.dump({'zvm_lab': lab}, handle, indent=2)


def block_billing():
    ruleset = ('table inet %s {\n chain output {\n  type filter hook output priority 0;\n'
               '  ip daddr %s tcp dport %d drop\n }\n}\n' % (BLOCK_TABLE, HOSTS[BILLING], PORTS['billing']))
    in_ns(ZVM, 'nft', '-f', '-', input_text=ruleset)


def unblock_billing():
    if in_ns(ZVM, 'nft', 'list', 'table', 'inet', BLOCK_TABLE, check=False).returncode == 0:
        in_ns(ZVM, 'nft', 'delete', 'table', 'inet', BLOCK_TABLE)


def main(argv):
    commands = {'up': up, 'down': down, 'block-billing': block_billing, 'unblock-billing': unblock_billing}
    if len(argv) < 2 or argv[1] not in commands or (argv[1] == 'up' and len(argv) != 3):
        sys.stderr.write(__doc__)
        return 2
    commands[argv[1]](*argv[2:3])
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
