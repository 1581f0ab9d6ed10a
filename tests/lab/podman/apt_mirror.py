"""Print the Debian mirror URL this machine's apt uses for a suite (default: bookworm).

Reads /etc/apt/sources.list and /etc/apt/sources.list.d/* in both the one-line and the
deb822 format, so the lab image is built from the same mirror apt already reaches.
"""

import glob
import sys


def one_line_entries(text):
    for line in text.splitlines():
        words = line.split("#", 1)[0].split()
        if not words or words[0] != "deb":
            continue
        words = words[1:]
        if words and words[0].startswith("["):
            while words and not words[0].endswith("]"):
                words = words[1:]
            words = words[1:]
        if len(words) >= 2:
            yield words[0], [words[1]]


def deb822_entries(text):
    for stanza in text.split("\n\n"):
        fields = {}
        for line in stanza.splitlines():
            if line.startswith("#") or ":" not in line or line[0].isspace():
                continue
            key, value = line.split(":", 1)
            fields[key.strip().lower()] = value.split()
        if "deb" not in fields.get("types", []):
            continue
        for uri in fields.get("uris", []):
            yield uri, fields.get("suites", [])


def main():
    suite = sys.argv[1] if len(sys.argv) > 1 else "bookworm"
    paths = glob.glob("/etc/apt/sources.list") + sorted(
        glob.glob("/etc/apt/sources.list.d/*.list") + glob.glob("/etc/apt/sources.list.d/*.sources")
    )
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        entries = deb822_entries(text) if path.endswith(".sources") else one_line_entries(text)
        for uri, suites in entries:
            if suite in suites:
                print(uri.rstrip("/"))
                return 0
    print(f"no apt source for suite {suite!r} in /etc/apt", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
