"""check_report.py DIR PLAYBOOK: every host has one failed `inputs` record (endpoint_config) naming the
URLs it lacks, and no other record: nothing else ran."""

import glob
import json
import sys

MISSING = {
    "preflight": {"zvm-none": ["zerto_billing_new_url", "zerto_billing_legacy_url"],
                  "zvm-new-only": ["zerto_billing_legacy_url"]},
    "post_upgrade": {"zvm-none": ["zerto_billing_new_url", "zerto_billing_legacy_url"],
                     "zvm-new-only": ["zerto_billing_legacy_url"]},
}


def main(folder, playbook):
    (path,) = glob.glob("%s/%s-*.json" % (folder, playbook))
    with open(path, encoding="utf-8") as handle:
        report = json.load(handle)
    problems = []
    for host, missing in MISSING[playbook].items():
        records = [r for r in report["records"] if r["host"] == host]
        shape = [(r["check"], r["status"], r["error_class"]) for r in records]
        if shape != [("inputs", "fail", "endpoint_config")]:
            problems.append("%s: records %s, expected one failed inputs record" % (host, shape))
            continue
        detail = records[0]["detail"]
        named = [name for name in ("zerto_billing_new_url", "zerto_billing_legacy_url") if name in detail]
        if named != missing:
            problems.append("%s: detail names %s, expected %s: %s" % (host, named, missing, detail))
    if report["failed_hosts"] != sorted(MISSING[playbook]):
        problems.append("failed_hosts %s" % report["failed_hosts"])
    print("\n".join(problems) or "%s: each host failed with endpoint_config naming what it lacks" % playbook)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
