"""A real firewalld on the lab host: a long-lived private mount namespace (inside the host's
network namespace) where a temp copy of /etc/firewalld (FirewallBackend=nftables) and a temp /run
are bind-mounted, a dbus-daemon of its own listens on /run/dbus/system_bus_socket (no service
activation, so no polkit: firewalld then authorizes uid 0), and firewalld runs with --nofork
--nopid, logging to the temp directory. Commands join that namespace with nsenter."""

import os
import shutil
import subprocess
import time

BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=/run/dbus/system_bus_socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="root"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
"""

START = """
set -e
d=$1
mount --bind "$d/etc-firewalld" /etc/firewalld
mount --bind "$d/run" /run
mkdir -p /run/dbus
dbus-daemon --config-file="$d/bus.conf" --nofork --nopidfile > "$d/dbus.log" 2>&1 &
i=0
while [ ! -S /run/dbus/system_bus_socket ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
exec firewalld --nofork --nopid --log-target file --log-file "$d/firewalld.log"
"""

MACHINE_PATHS = ("/etc/firewalld",)


class FirewalldSandbox(object):
    def __init__(self, ns, directory):
        self.ns = ns
        self.dir = directory
        self.pid = None
        shutil.copytree("/etc/firewalld", self.path("etc-firewalld"), symlinks=True)
        conf = self.path("etc-firewalld", "firewalld.conf")
        with open(conf) as handle:
            lines = handle.read().splitlines()
        lines = ["FirewallBackend=nftables" if l.startswith("FirewallBackend=") else l for l in lines]
        with open(conf, "w") as handle:
            handle.write("\n".join(lines) + "\n")
        os.mkdir(self.path("run"), 0o755)
        with open(self.path("bus.conf"), "w") as handle:
            handle.write(BUS_CONFIG)

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def start(self, deadline=60.0):
        log = open(self.path("start.log"), "ab")
        subprocess.Popen(["ip", "netns", "exec", self.ns, "unshare", "--mount", "--propagation", "private",
                          "sh", "-c", START, "firewalld-sandbox", self.dir], stdout=log, stderr=log, start_new_session=True)
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            self.pid = self._firewalld_pid()
            if self.pid and self.run("firewall-cmd", "--state", check=False).stdout.strip() == "running":
                return
            time.sleep(0.3)
        raise RuntimeError("firewalld did not start: %s" % open(self.path("start.log")).read()[-2000:])

    def _firewalld_pid(self):
        pids = subprocess.run(["ip", "netns", "pids", self.ns], stdout=subprocess.PIPE, universal_newlines=True, check=False).stdout.split()
        for pid in pids:
            try:
                with open("/proc/%s/cmdline" % pid, "rb") as handle:
                    if b"firewalld\x00--nofork" in handle.read():
                        return pid
            except (IOError, OSError):
                continue
        return None

    def run(self, *command, check=True):
        proc = subprocess.run(["nsenter", "-t", self.pid, "-m", "-n"] + list(command), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, universal_newlines=True, check=False)
        if check and proc.returncode != 0:
            raise RuntimeError("%s -> %s: %s %s" % (" ".join(command), proc.returncode, proc.stdout, proc.stderr))
        return proc

    def cmd(self, *args):
        return self.run("firewall-cmd", *args).stdout

    def fingerprint(self):
        """Cheap and exact: the permanent configuration files, and the running nftables ruleset and
        iptables rules firewalld made from the runtime configuration."""
        files = {}
        for directory, unused, names in os.walk(self.path("etc-firewalld")):
            for name in names:
                with open(os.path.join(directory, name), "rb") as handle:
                    files[os.path.join(directory, name)] = handle.read()
        running = [self.run("nft", "list", "ruleset").stdout]
        running += [l for l in self.run("iptables-save").stdout.splitlines() if not l.startswith("#")]
        return files, running

    def configuration(self):
        """Runtime and permanent listings of everything (policies, zones, ipsets, direct rules)."""
        found = []
        for view in ([], ["--permanent"]):
            found.append(self.cmd(*(view + ["--list-all-policies"])))
            found.append(self.cmd(*(view + ["--list-all-zones"])))
            for name in self.cmd(*(view + ["--get-ipsets"])).split():
                found.append(self.cmd(*(view + ["--info-ipset=%s" % name])))
            found.append(self.cmd(*(view + ["--direct", "--get-all-rules"])))
        return found


def machine_fingerprint():
    found = {}
    for top in MACHINE_PATHS:
        for directory, unused, files in os.walk(top):
            for name in files:
                path = os.path.join(directory, name)
                info = os.lstat(path)
                with open(path, "rb") as handle:
                    found[path] = (handle.read(), info.st_mode, info.st_mtime_ns)
    for path in ("/run/firewalld", "/run/dbus/system_bus_socket"):
        found[path + " exists"] = os.path.exists(path)
    return found
