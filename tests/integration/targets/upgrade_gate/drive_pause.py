"""Run gate.yml as a person at a terminal would: in a pseudo-terminal, pressing Enter at the
pause prompt. Exits with ansible-playbook's status; the output goes to stdout."""

import os
import pty
import re
import select
import sys
import time

PROMPT = re.compile(rb"then\s+press\s+Enter", re.S)


def main(argv):
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(argv[0], argv)
    output, answered, deadline = b"", False, time.monotonic() + 180
    while time.monotonic() < deadline:
        ready = select.select([fd], [], [], 1)[0]
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
        if not answered and PROMPT.search(output):
            time.sleep(1)
            os.write(fd, b"\r")
            answered = True
    sys.stdout.write(output.decode(errors="replace"))
    status = os.waitpid(pid, 0)[1]
    if not answered:
        print("drive_pause: the pause prompt never came")
        return 1
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
