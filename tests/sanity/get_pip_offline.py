"""Stand-in for get-pip.py so `ansible-test sanity` can bootstrap pip without its download site.

ansible-test fetches get-pip.py from a host that this project's machines cannot reach. This
bootstraps pip from the interpreter's own ``ensurepip`` and installs the requested packages
from the package index, taking get-pip's own options.
"""

import subprocess
import sys

GET_PIP_ONLY = {"--no-setuptools", "--no-wheel"}

# In a child process: ensurepip.bootstrap() would blank this process's pip configuration.
subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade"])
args = [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY]
sys.exit(subprocess.call([sys.executable, "-m", "pip", "install"] + args))
