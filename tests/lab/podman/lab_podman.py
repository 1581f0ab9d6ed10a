"""Run podman with the lab's containers.conf (never the machine's defaults)."""

import json
import os
import shutil
import subprocess
import sys

CONTAINERS_CONF = os.path.join(os.path.dirname(os.path.abspath(__file__)), "containers.conf")
os.environ["CONTAINERS_CONF"] = CONTAINERS_CONF


def podman(*args, stdin=None, check=True):
    """Run podman; returns stdout. On failure exits with podman's own message."""
    if shutil.which("podman") is None:
        sys.exit("podman is missing: apt-get install podman runc (see requirements/apt.txt)")
    result = subprocess.run(["podman", *args], stdin=stdin, capture_output=True, text=True, check=False)
    if check and result.returncode != 0:
        sys.exit(f"podman {' '.join(args)} failed ({result.returncode}):\n{result.stderr.strip()}")
    return result.stdout


def podman_ok(*args):
    """Run podman; True if it exited 0 (its output is dropped)."""
    return subprocess.run(["podman", *args], capture_output=True, check=False).returncode == 0


def podman_json(*args):
    """Run a podman listing command with --format json; returns the parsed list."""
    return json.loads(podman(*args, "--format", "json") or "[]") or []
