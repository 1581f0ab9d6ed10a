"""Integration test of backend=squid (egress_rule, egress_entries) against a real Squid.

Namespaces (zbs-*, on a bridge in zbs-switch; nothing in the root namespace, 198.51.100.0/24 only):
zbs-proxy runs Squid with its whole configuration in a temporary directory, zbs-endpoint serves
TLS for billing-new.lab (new) and autologs.zerto.com (legacy), and zbs-client can reach only the
proxy. Traffic is real: curl -x and zerto_msp.billing.egress_probe from the client."""

import functools
import os
import shutil
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "lab"))

import netns  # noqa: E402
from lab_ca import LabCA  # noqa: E402
from target_harness import ROLLBACK, check, check_refused, check_rollback, read_files, run_lab  # noqa: E402
from target_harness import run_playbook, serve_tls  # noqa: E402

SWITCH, PROXY, ENDPOINT, CLIENT = "zbs-switch", "zbs-proxy", "zbs-endpoint", "zbs-client"
NAMESPACES = (CLIENT, PROXY, ENDPOINT, SWITCH)
PROXY_IP, CLIENT_IP, NEW_IP, LEGACY_IP = "198.51.100.2", "198.51.100.10", "198.51.100.70", "198.51.100.90"
NEW, LEGACY, KEPT = "billing-new.lab", "autologs.zerto.com", "keep.example.org"
PROXY_URL = "http://%s:3128" % PROXY_IP

CLIENT_FIREWALL = """
table inet zbs_client {
  chain output {
    type filter hook output priority 0; policy drop;
    oif "lo" accept
    ip daddr %s tcp dport 3128 accept
  }
}
""" % PROXY_IP

SQUID_CONF = """# lab squid.conf (hand-written by the site admin)
http_port {proxy}:3128
pid_filename {dir}/squid.pid
cache_log {dir}/cache.log
access_log none
cache deny all
hosts_file {dir}/hosts
dns_nameservers {proxy}
coredump_dir {dir}
shutdown_lifetime 1 seconds
acl SSL_ports port 443
acl CONNECT method CONNECT
acl legacy_billing dstdomain "{dir}/legacy_billing.domains"
acl admin_allowed dstdomain other.example.net {legacy}
http_access allow CONNECT legacy_billing
http_access allow CONNECT admin_allowed
http_access deny CONNECT !SSL_ports
http_access deny all
"""

LEGACY_FILE = """# billing servers, added by hand in 2019
{kept}
{legacy}

# do not touch the next one
.keep2.example.org
"""


def teardown():
    for ns in NAMESPACES:
        netns.delete(ns)


class Lab(object):
    def __init__(self, directory):
        self.dir = directory
        os.chmod(self.dir, 0o755)
        self.conf = self.path("squid.conf")
        self.acl = self.path("conf.d/zerto_billing.acl")
        self.legacy_file = self.path("legacy_billing.domains")

    def path(self, name):
        return os.path.join(self.dir, name)

    def write(self, name, text):
        with open(self.path(name), "w") as handle:
            handle.write(text)

    def up(self):
        netns.add_switch(SWITCH)
        netns.add_host(PROXY, SWITCH, [PROXY_IP], 24)
        netns.add_host(ENDPOINT, SWITCH, [NEW_IP, LEGACY_IP], 24)
        netns.add_host(CLIENT, SWITCH, [CLIENT_IP], 24)
        netns.nft(CLIENT, CLIENT_FIREWALL)
        ca = LabCA(self.path("ca"))
        self.ca_path = ca.ca_path
        spec = []
        for address, name in ((NEW_IP, NEW), (LEGACY_IP, LEGACY)):
            cert, key = ca.issue(name, [name])
            spec.append({"address": address, "port": 443, "cert": cert, "key": key})
        serve_tls(ENDPOINT, spec, self.dir)
        os.makedirs(self.path("conf.d"))
        self.write("hosts", "%s %s\n%s %s %s\n" % (NEW_IP, NEW, LEGACY_IP, LEGACY, KEPT))
        self.write("squid.conf", SQUID_CONF.format(dir=self.dir, proxy=PROXY_IP, legacy=LEGACY))
        self.write("legacy_billing.domains", LEGACY_FILE.format(kept=KEPT, legacy=LEGACY))
        open(self.path("cache.log"), "w").close()
        shutil.chown(self.path("cache.log"), "proxy", "proxy")
        netns.spawn(PROXY, ["squid", "-N", "-f", self.conf], self.path("squid.out"))
        netns.wait_for_port(PROXY, PROXY_IP, 3128)

    # --- observing ------------------------------------------------------------------------
    def connect_code(self, host):
        """The proxy's answer to CONNECT host:443 from the client ("000": no answer)."""
        proc = netns.in_ns(CLIENT, "curl", "-s", "-o", "/dev/null", "-w", "%{http_connect}", "--max-time", "3",
                           "--cacert", self.ca_path, "-x", PROXY_URL, "https://%s/" % host, check=False)
        return proc.stdout.strip()

    def settled(self, host, code, deadline=8.0):
        """Squid reconfigures asynchronously: wait until CONNECT answers `code`."""
        end = time.monotonic() + deadline
        seen = None
        while time.monotonic() < end:
            seen = self.connect_code(host)
            if seen == code:
                return True
            time.sleep(0.2)
        print("    (CONNECT %s answered %s, wanted %s)" % (host, seen, code))
        return False

    def files(self):
        return read_files(self.dir, ("squid.conf", "conf.d/zerto_billing.acl", "legacy_billing.domains"))

    # --- running modules ------------------------------------------------------------------
    def playbook(self, ns, playbook, variables, check_mode=False):
        execute = functools.partial(netns.in_ns, ns)
        return run_playbook(execute, self.dir, os.path.join(HERE, playbook), variables, check_mode)

    def common(self, **extra):
        options = dict(backend="squid", squid_conf_path=self.conf, squid_acl_path=self.acl,
                       lock_path=self.path("egress.lock"))
        options.update(extra)
        return options

    def rule(self, check_mode=False, **extra):
        options = self.common(hostnames=[NEW])
        options.update(extra)
        return self.playbook(PROXY, "rule.yml", {"egress": options}, check_mode)

    def entries(self, check_mode=False, **extra):
        options = self.common(hostnames=[LEGACY], hosts_path=self.path("etc_hosts"), backup_dir=self.path("backups"))
        options.update(extra)
        return self.playbook(PROXY, "entries.yml", {"entries": options}, check_mode)

    def probe(self):
        return self.playbook(CLIENT, "probe.yml", {"probe": {"url": "https://%s/" % NEW, "proxy": PROXY_URL,
                                                             "ca_path": self.ca_path}})


# --- the checks ---------------------------------------------------------------------------
def baseline(lab):
    print("== baseline", flush=True)
    direct = netns.in_ns(CLIENT, "curl", "-s", "-o", "/dev/null", "--max-time", "2", "--cacert", lab.ca_path,
                         "--resolve", "%s:443:%s" % (NEW, NEW_IP), "https://%s/" % NEW, check=False)
    check(direct.returncode != 0, "the client cannot reach the endpoint directly, only through the proxy")
    check(lab.connect_code(NEW) == "403", "CONNECT %s denied (403) before" % NEW)
    check(lab.connect_code(LEGACY) == "200", "CONNECT %s allowed by the hand-written legacy ACLs" % LEGACY)
    r = lab.probe()
    result = (r.get("results") or [{}])[0]
    check(not r.get("reachable") and result.get("error_class") == "proxy_failure" and result.get("proxy_status") == 403,
          "egress_probe through the proxy: proxy_failure, 403 (%s)" % r.get("summary"))


def allow(lab):
    print("== egress_rule backend=squid", flush=True)
    files0 = lab.files()
    r = lab.rule(check_mode=True)
    check(not r.get("failed") and r.get("changed") and r.get("added"), "check mode reports the change: %s" % r.get("msg", ""))
    check(lab.files() == files0 and lab.connect_code(NEW) == "403", "check mode changed no file and nothing in Squid")

    r = lab.rule()
    check(not r.get("failed") and r.get("changed") and r.get("backend") == "squid", "first run changes: %s" % r.get("msg", ""))
    check(lab.settled(NEW, "200"), "CONNECT %s allowed after the run" % NEW)
    files = lab.files()
    acl = files.get("conf.d/zerto_billing.acl", "")
    check(acl.startswith("# zerto_msp.billing egress") and "acl zerto_billing_egress dstdomain %s\n" % NEW in acl,
          "our ACL file: header comment and the dstdomain entry")
    conf0, conf1 = files0["squid.conf"].splitlines(True), files["squid.conf"].splitlines(True)
    added = [line for line in conf1 if line not in conf0]
    deny = conf1.index("http_access deny CONNECT !SSL_ports\n")
    check(len(conf1) == len(conf0) + 2 and added[1] == "include %s\n" % lab.acl and conf1[deny - 1] == added[1],
          "squid.conf: only a marker and the include added, just before the first http_access deny")
    check(files["legacy_billing.domains"] == files0["legacy_billing.domains"], "the admin's ACL file untouched")
    r = lab.rule()
    check(not r.get("failed") and not r.get("changed"), "second run changed=false")
    r = lab.probe()
    check(r.get("reachable") and (r.get("results") or [{}])[0].get("error_class") == "ok",
          "egress_probe through the proxy: reachable (%s)" % r.get("summary"))


def bad_inputs(lab):
    print("== bad input", flush=True)
    files0 = lab.files()
    cases = [
        (dict(hostnames=["https://%s/api/v1/usage" % NEW]), ("hostnames", "path")),
        (dict(hostnames=[".lab", NEW]), ("hostnames", "overlaps")),
        (dict(hostnames=["%s/usage" % NEW]), ("hostnames", "path")),
    ]
    for extra, words in cases:
        check_refused(lab.rule(**extra), extra, words)
    check(lab.files() == files0, "bad input changed no file")
    check(lab.connect_code(NEW) == "200", "Squid still serves")

    print("== squid -k parse failure rolls back", flush=True)
    broken = files0["squid.conf"] + "http_access allow CONNECT no_such_acl\n"
    lab.write("squid.conf", broken)
    before = lab.files()
    r = lab.rule(hostnames=[NEW, "second.lab"])
    msg = r.get("msg", "")
    check(r.get("failed") and "squid -k parse" in msg and "restored" in msg, "the run fails clearly: %s" % msg)
    check(lab.files() == before, "squid.conf and our ACL file are back to their previous bytes")
    check(lab.connect_code(NEW) == "200" and lab.connect_code("second.lab") == "403", "Squid still serves its previous config")
    lab.write("squid.conf", files0["squid.conf"])


def cleanup(lab):
    print("== egress_entries backend=squid (legacy cleanup)", flush=True)
    files0 = lab.files()
    r = lab.entries()
    found = sorted((e["kind"], e["action"], e["location"]["path"]) for e in r.get("entries", []))
    wanted = sorted([("acl_file_line", "remove", lab.legacy_file), ("acl_line", "narrow", lab.conf)])
    check(not r.get("failed") and not r.get("changed") and found == wanted,
          "find only: the value-file line and the inline ACL value found %s %s" % (found, r.get("msg", "")))
    check(lab.files() == files0, "find only changed nothing")
    r = lab.entries(check_mode=True, remove=True)
    check(not r.get("failed") and r.get("changed") and r.get("removed"), "check mode reports the removal")
    check(lab.files() == files0 and not os.path.exists(lab.path("backups")), "check mode removed nothing, wrote no backup")

    r = lab.entries(remove=True)
    check(not r.get("failed") and r.get("changed") and r.get("backup"), "removal with backup: %s" % r.get("msg", ""))
    check(lab.settled(LEGACY, "403"), "CONNECT %s denied after the cleanup" % LEGACY)
    check(lab.connect_code(NEW) == "200" and lab.connect_code(KEPT) != "403", "new host and the other hand-written entries still allowed")
    files = lab.files()
    check(files["legacy_billing.domains"] == files0["legacy_billing.domains"].replace(LEGACY + "\n", ""),
          "value file: exactly the legacy line went, every other byte identical")
    check(files["squid.conf"] == files0["squid.conf"].replace(" " + LEGACY + "\n", "\n"),
          "squid.conf: only the legacy value left the inline acl line")
    folder = r.get("backup") or ""
    backup = os.path.join(folder, "squid", "files", lab.legacy_file.lstrip("/"))
    check(os.path.exists(backup) and open(backup).read() == files0["legacy_billing.domains"],
          "the backup holds the previous value file")
    r = lab.entries(remove=True)
    check(not r.get("failed") and not r.get("changed"), "second cleanup changed=false")

    rollback = {"rollback": dict(backup=folder, backend="squid", squid_conf_path=lab.conf)}
    r = check_rollback(lambda check_mode: lab.playbook(PROXY, ROLLBACK, rollback, check_mode), lab.files)
    check(not r.get("failed") and lab.files() == files0 and lab.settled(LEGACY, "200"),
          "legacy_cleanup's rollback (files back, squid -k parse, reconfigure) allows %s again: %s" % (LEGACY, r.get("msg", "")))


def revoke(lab):
    print("== egress_rule state=absent", flush=True)
    conf = lab.files()["squid.conf"]
    r = lab.rule(state="absent", hostnames=[])
    check(not r.get("failed") and r.get("changed"), "state=absent changes: %s" % r.get("msg", ""))
    files = lab.files()
    check("conf.d/zerto_billing.acl" not in files, "our ACL file removed")
    ours = ("# zerto_msp.billing egress:", "include " + lab.acl)
    check(files["squid.conf"] == "".join(l for l in conf.splitlines(True) if not l.startswith(ours)),
          "squid.conf: only our two lines removed")
    check(lab.settled(NEW, "403"), "CONNECT %s denied again" % NEW)
    r = lab.rule(state="absent", hostnames=[])
    check(not r.get("failed") and not r.get("changed"), "second state=absent changed=false")


def cidr_mode(lab):
    print("== egress_rule backend=squid with destinations (dst ACL)", flush=True)
    r = lab.rule(hostnames=[], destinations=[NEW_IP])
    check(not r.get("failed") and r.get("changed"), "destinations only: changes: %s" % r.get("msg", ""))
    acl = lab.files().get("conf.d/zerto_billing.acl", "")
    check("acl zerto_billing_egress_dst dst %s\n" % NEW_IP in acl and "dstdomain" not in acl, "our ACL file holds the dst entry")
    check(lab.settled(NEW, "200"), "CONNECT %s (resolved by Squid to %s) allowed" % (NEW, NEW_IP))
    r = lab.rule(state="absent", hostnames=[])
    check(not r.get("failed") and r.get("changed") and lab.settled(NEW, "403"), "state=absent denies it again")


def main():
    stages = (Lab.up, baseline, allow, bad_inputs, cleanup, revoke, cidr_mode)
    return run_lab("egress_squid", teardown, Lab, stages, "zbs-squid-")


if __name__ == "__main__":
    sys.exit(main())
