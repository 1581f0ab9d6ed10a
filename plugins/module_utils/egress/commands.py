# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Running firewall binaries: argv lists only (never a shell), C locale, errors with context."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class CommandError(Exception):
    def __init__(self, argv, rc, stdout, stderr):
        self.argv = list(argv)
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        super(CommandError, self).__init__(
            "%s exited %s: %s" % (" ".join(self.argv), rc, (stderr or stdout or "").strip())
        )


class ModuleRunner(object):
    """Runs commands through AnsibleModule.run_command and finds binaries with get_bin_path."""

    def __init__(self, module):
        self._module = module

    def which(self, name):
        return self._module.get_bin_path(name)

    def run(self, argv, data=None, check=True):
        rc, out, err = self._module.run_command(
            list(argv),
            data=data,
            binary_data=data is not None,
            environ_update={"LC_ALL": "C", "LANG": "C"},
        )
        if check and rc != 0:
            raise CommandError(argv, rc, out, err)
        return rc, out, err
