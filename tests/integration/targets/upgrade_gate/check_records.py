"""check_records.py DIR STATUS CLASS: every host's upgrade_gate record has that status and error class."""

import json
import os
import sys


def main(folder, status, error_class):
    problems = []
    for host in ("zvm-a", "zvm-b"):
        with open(os.path.join(folder, host + ".json"), encoding="utf-8") as handle:
            records = [r for r in json.load(handle) if r["check"] == "upgrade_gate"]
        got = [(r["status"], r["error_class"] or "none") for r in records]
        if got != [(status, error_class)]:
            problems.append("%s: upgrade_gate records %s, expected [(%r, %r)]" % (host, got, status, error_class))
    print("\n".join(problems) or "upgrade_gate: %s/%s on both hosts" % (status, error_class))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
