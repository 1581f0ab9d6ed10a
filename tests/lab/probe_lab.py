"""The probe lab: a ZVM host, a billing endpoint host with lab DNS, and a Squid proxy.

Every host is a network namespace (``zbl-*``) on a bridge in its own namespace; addresses are
in 198.51.100.0/26 and nothing is routed off the machine.

    probe_lab.py up <state dir>    build it and write <state dir>/lab_vars.json
    probe_lab.py down [state dir]  remove it (also after an aborted run)
"""

import json
import os
import shutil
import sys

import netns
from lab_ca import LabCA

HERE = os.path.dirname(os.path.abspath(__file__))
PREFIX = 26
SWITCH, ZVM, BILLING, PROXY = "zbl-switch", "zbl-zvm", "zbl-billing", "zbl-proxy"
NAMESPACES = (ZVM, BILLING, PROXY, SWITCH)

ZVM_IP = "198.51.100.10"
DNS_IP = "198.51.100.53"
PROXY_IP = "198.51.100.40"
ENDPOINTS = {
    # role: (address, certificate names, expired, tls)
    "new_a": ("198.51.100.20", ["billing-new.lab.test"], False, True),
    "new_b": ("198.51.100.21", ["billing-new.lab.test"], False, True),
    "legacy": ("198.51.100.22", ["autologs.lab.test"], False, True),
    "wrong_name": ("198.51.100.23", ["somebody-else.lab.test"], False, True),
    "expired": ("198.51.100.24", ["expired.lab.test"], True, True),
    "plain_http": ("198.51.100.25", [], False, False),
}
CLOSED_IP = "198.51.100.30"        # nothing listens: refused
FILTERED_IP = "198.51.100.31"      # billing host drops silently: filtered upstream
PROHIBITED_IP = "198.51.100.32"    # billing host rejects with ICMP admin-prohibited
LOCAL_DROP_IP = "198.51.100.33"    # the ZVM's own output chain drops
LOCAL_REJECT_IP = "198.51.100.34"  # the ZVM's own output chain rejects

DNS_RECORDS = [
    ("billing-new.lab.test", ENDPOINTS["new_a"][0]),
    ("billing-new.lab.test", ENDPOINTS["new_b"][0]),
    ("autologs.lab.test", ENDPOINTS["legacy"][0]),
    ("wrong-name.lab.test", ENDPOINTS["wrong_name"][0]),
    ("expired.lab.test", ENDPOINTS["expired"][0]),
    ("plain.lab.test", ENDPOINTS["plain_http"][0]),
    ("closed.lab.test", CLOSED_IP),
    ("filtered.lab.test", FILTERED_IP),
    ("prohibited.lab.test", PROHIBITED_IP),
    ("local-drop.lab.test", LOCAL_DROP_IP),
    ("local-reject.lab.test", LOCAL_REJECT_IP),
    ("proxy.lab.test", PROXY_IP),
]

BILLING_FIREWALL = """
table inet lab_upstream {
  chain input {
    type filter hook input priority 0; policy accept;
    ip daddr %s tcp dport 443 drop
    ip daddr %s tcp dport 443 reject with icmp type admin-prohibited
  }
}
""" % (FILTERED_IP, PROHIBITED_IP)

# The ZVM's admin-owned output filter: what a site's own host firewall looks like.
ZVM_FIREWALL = """
table inet site_admin {
  chain output {
    type filter hook output priority 0; policy accept;
    ip daddr %s tcp dport 443 drop
    ip daddr %s tcp dport 443 reject with icmp type admin-prohibited
  }
}
""" % (LOCAL_DROP_IP, LOCAL_REJECT_IP)

SQUID_CONF = """
http_port %(proxy)s:3128
pid_filename %(dir)s/squid.pid
access_log stdio:%(dir)s/squid-access.log
cache_log %(dir)s/squid-cache.log
cache_store_log none
cache deny all
coredump_dir %(dir)s
dns_nameservers %(dns)s
acl SSL_ports port 443
acl CONNECT method CONNECT
acl billing dstdomain billing-new.lab.test
http_access deny CONNECT !SSL_ports
http_access allow CONNECT billing
http_access deny all
"""


def down(state_dir=None):
    for ns in NAMESPACES:
        netns.delete(ns)
    if state_dir:
        shutil.rmtree(state_dir, ignore_errors=True)


def _endpoints_spec(ca, state_dir):
    spec = []
    for role, (address, names, expired, tls) in ENDPOINTS.items():
        entry = {"address": address, "port": 443, "tls": tls}
        if tls:
            entry["cert"], entry["key"] = ca.issue(role, names, expired=expired)
        spec.append(entry)
    path = os.path.join(state_dir, "endpoints.json")
    with open(path, "w") as handle:
        json.dump(spec, handle)
    return path


def _dnsmasq_args(state_dir):
    args = ["dnsmasq", "--keep-in-foreground", "--no-resolv", "--no-hosts", "--bind-interfaces",
            "--listen-address=%s" % DNS_IP, "--local=/lab.test/", "--user=root",
            "--pid-file=%s" % os.path.join(state_dir, "dnsmasq.pid"), "--log-facility=-"]
    return args + ["--host-record=%s,%s" % record for record in DNS_RECORDS]


def up(state_dir):
    down(state_dir)
    os.makedirs(state_dir)
    os.chmod(state_dir, 0o777)
    ca = LabCA(os.path.join(state_dir, "pki"))
    os.chmod(os.path.join(state_dir, "pki"), 0o755)

    netns.add_switch(SWITCH)
    netns.add_host(ZVM, SWITCH, [ZVM_IP], PREFIX)
    failure_ips = [CLOSED_IP, FILTERED_IP, PROHIBITED_IP, LOCAL_DROP_IP, LOCAL_REJECT_IP, DNS_IP]
    billing_ips = [e[0] for e in ENDPOINTS.values()] + failure_ips
    netns.add_host(BILLING, SWITCH, billing_ips, PREFIX)
    netns.add_host(PROXY, SWITCH, [PROXY_IP], PREFIX)
    for ns in (ZVM, PROXY):
        netns.set_resolver(ns, DNS_IP)
    netns.nft(BILLING, BILLING_FIREWALL)
    netns.nft(ZVM, ZVM_FIREWALL)

    log = os.path.join(state_dir, "services.log")
    netns.spawn(BILLING, ["python3", os.path.join(HERE, "tls_endpoints.py"), _endpoints_spec(ca, state_dir)], log)
    netns.spawn(BILLING, _dnsmasq_args(state_dir), log)
    squid_conf = os.path.join(state_dir, "squid.conf")
    with open(squid_conf, "w") as handle:
        handle.write(SQUID_CONF % {"proxy": PROXY_IP, "dir": state_dir, "dns": DNS_IP})
    netns.spawn(PROXY, ["squid", "-N", "-f", squid_conf], log)

    netns.wait_for_port(BILLING, ENDPOINTS["new_a"][0], 443)
    netns.wait_for_port(PROXY, PROXY_IP, 3128)

    lab_vars = {
        "lab_ca_path": ca.ca_path,
        "lab_new_url": "https://billing-new.lab.test/",
        "lab_new_addresses": [ENDPOINTS["new_a"][0], ENDPOINTS["new_b"][0]],
        "lab_legacy_url": "https://autologs.lab.test/",
        "lab_proxy_url": "http://%s:3128" % PROXY_IP,
        "lab_proxy_closed_url": "http://%s:3129" % PROXY_IP,
        "lab_ips": {role: e[0] for role, e in ENDPOINTS.items()},
        "lab_closed_ip": CLOSED_IP,
        "lab_filtered_ip": FILTERED_IP,
        "lab_prohibited_ip": PROHIBITED_IP,
        "lab_local_drop_ip": LOCAL_DROP_IP,
        "lab_local_reject_ip": LOCAL_REJECT_IP,
        "lab_zvm_namespace": ZVM,
    }
    with open(os.path.join(state_dir, "lab_vars.json"), "w") as handle:
        json.dump(lab_vars, handle, indent=2)
    return lab_vars


def main(argv):
    if len(argv) >= 2 and argv[1] == "up" and len(argv) == 3:
        up(argv[2])
        print("probe lab is up; vars in %s" % os.path.join(argv[2], "lab_vars.json"))
        return 0
    if len(argv) >= 2 and argv[1] == "down":
        down(argv[2] if len(argv) > 2 else None)
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
