"""Small helpers to build lab hosts as Linux network namespaces joined by a bridge.

Nothing here touches the root network namespace: the bridge lives in its own namespace.
"""

import os
import shutil
import subprocess
import time


def run(*args, check=True, input_text=None):
    return subprocess.run(args, check=check, text=True, input=input_text,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def exists(name):
    return name in run("ip", "netns", "list").stdout.split()


def in_ns(ns, *args, **kwargs):
    return run("ip", "netns", "exec", ns, *args, **kwargs)


def add_switch(ns):
    run("ip", "netns", "add", ns)
    in_ns(ns, "ip", "link", "add", "br0", "type", "bridge")
    in_ns(ns, "ip", "link", "set", "br0", "up")


def add_host(ns, switch, addresses, prefix):
    """A host namespace with one interface ``eth0`` on the switch and the given addresses."""
    run("ip", "netns", "add", ns)
    port = "p-" + ns[-12:]
    run("ip", "link", "add", "eth0", "netns", ns, "type", "veth", "peer", "name", port, "netns", switch)
    in_ns(switch, "ip", "link", "set", port, "master", "br0", "up")
    for address in addresses:
        in_ns(ns, "ip", "addr", "add", "%s/%d" % (address, prefix), "dev", "eth0")
    in_ns(ns, "ip", "link", "set", "eth0", "up")
    in_ns(ns, "ip", "link", "set", "lo", "up")


def set_resolver(ns, nameserver):
    """``ip netns exec`` bind-mounts /etc/netns/<ns>/resolv.conf over /etc/resolv.conf."""
    directory = os.path.join("/etc/netns", ns)
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "resolv.conf"), "w") as handle:
        handle.write("nameserver %s\noptions timeout:1 attempts:1\n" % nameserver)


def nft(ns, ruleset):
    in_ns(ns, "nft", "-f", "-", input_text=ruleset)


def spawn(ns, args, log_path):
    log = open(log_path, "ab")
    return subprocess.Popen(["ip", "netns", "exec", ns] + list(args), stdout=log, stderr=log,
                            start_new_session=True).pid


def kill_namespace_processes(ns):
    pids = run("ip", "netns", "pids", ns, check=False).stdout.split()
    for pid in pids:
        try:
            os.kill(int(pid), 9)
        except (ProcessLookupError, ValueError):
            pass


def delete(ns):
    if exists(ns):
        kill_namespace_processes(ns)
        run("ip", "netns", "del", ns, check=False)
    shutil.rmtree(os.path.join("/etc/netns", ns), ignore_errors=True)


def wait_for_port(ns, address, port, deadline=20.0):
    script = "import socket,sys; s=socket.socket(); s.settimeout(0.5); sys.exit(s.connect_ex((%r,%d)))" % (address, port)
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if in_ns(ns, "python3", "-c", script, check=False).returncode == 0:
            return
        time.sleep(0.2)
    raise RuntimeError("%s:%d did not come up in namespace %s" % (address, port, ns))
