"""Run commands "on" the lab's ufw host: inside its network namespace and in a fresh private mount
namespace where temp copies are bind-mounted over every path ufw reads or writes on this machine:
/etc/ufw (rules, ufw.conf), /lib/ufw (ufw-init; user rules on older versions), /etc/default/ufw
(policies; IPT_SYSCTL pointed at an empty file, so no sysctl is applied) and /run (ufw.lock).
The machine's own ufw files are never opened for writing."""

import os
import shutil
import subprocess

MACHINE_PATHS = ("/etc/ufw", "/lib/ufw", "/etc/default/ufw")

MOUNT_SCRIPT = """
set -e
d=$1; shift
mount --bind "$d/etc-ufw" /etc/ufw
mount --bind "$d/lib-ufw" /lib/ufw
mount --bind "$d/default-ufw" /etc/default/ufw
mount --bind "$d/run" /run
exec "$@"
"""


class UfwSandbox(object):
    def __init__(self, ns, directory):
        self.ns = ns
        self.dir = directory
        shutil.copytree("/etc/ufw", self.path("etc-ufw"), symlinks=True)
        shutil.copytree("/lib/ufw", self.path("lib-ufw"), symlinks=True)
        shutil.copy2("/etc/default/ufw", self.path("default-ufw"))
        os.mkdir(self.path("run"), 0o755)
        open(self.path("etc-ufw", "sysctl-none.conf"), "w").close()
        with open(self.path("default-ufw")) as handle:
            lines = handle.read().splitlines()
        lines = ["IPT_SYSCTL=/etc/ufw/sysctl-none.conf" if l.startswith("IPT_SYSCTL=") else l for l in lines]
        with open(self.path("default-ufw"), "w") as handle:
            handle.write("\n".join(lines) + "\n")

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def argv(self, *command):
        return ["ip", "netns", "exec", self.ns, "unshare", "--mount", "--propagation", "private",
                "sh", "-c", MOUNT_SCRIPT, "ufw-sandbox", self.dir] + list(command)

    def run(self, *command, check=True):
        proc = subprocess.run(self.argv(*command), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True, check=False)
        if check and proc.returncode != 0:
            raise RuntimeError("%s -> %s: %s %s" % (" ".join(command), proc.returncode, proc.stdout, proc.stderr))
        return proc

    def ufw(self, *args):
        return self.run("ufw", *args).stdout

    def user_rules(self):
        texts = []
        for name in ("user.rules", "user6.rules"):
            with open(self.path("etc-ufw", name)) as handle:
                texts.append(handle.read())
        return texts

    def tuples(self):
        return [line for text in self.user_rules() for line in text.splitlines() if line.startswith("### tuple ###")]


def machine_fingerprint():
    """Every file under the machine's ufw paths with its bytes, mode and mtime."""
    found = {}
    for top in MACHINE_PATHS:
        paths = [top] if os.path.isfile(top) else [os.path.join(d, f) for d, unused, fs in os.walk(top) for f in fs]
        for path in paths:
            info = os.lstat(path)
            with open(path, "rb") as handle:
                found[path] = (handle.read(), info.st_mode, info.st_mtime_ns)
    found["/run/ufw.lock exists"] = os.path.exists("/run/ufw.lock")
    return found
