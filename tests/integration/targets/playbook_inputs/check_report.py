"""check_report.py DIR PLAYBOOK: every host has one failed `inputs` record (endpoint_config) naming
zerto_billing_new_url, and no other record: nothing else ran."""

import glob
import json
import sys

HOSTS = ["zvm-empty", "zvm-none"]


def main(folder, playbook):
    (path,) = glob.glob("%s/%s-*.json" % (folder, playbook))
    with open(path, encoding="utf-8") as handle:
        report = json.load(handle)
    problems = []
    for host in HOSTS:
        records = [r for r in report["records"] if r["host"] == host]
        shape = [(r["check"], r["status"], r["error_class"]) for r in records]
        if shape != [("inputs", "fail", "endpoint_config")]:
            problems.append("%s: records %s, expected one failed inputs record" % (host, shape))
        elif "zerto_billing_new_url" not in records[0]["detail"]:
            problems.append("%s: the detail does not name zerto_billing_new_url: %s" % (host, records[0]["detail"]))
    if report["failed_hosts"] != HOSTS:
        problems.append("failed_hosts %s" % report["failed_hosts"])
    print("\n".join(problems) or "%s: each host failed with endpoint_config naming zerto_billing_new_url" % playbook)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
