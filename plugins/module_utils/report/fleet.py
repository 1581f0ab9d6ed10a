# -*- coding: utf-8 -*-
# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The records of every host of a run, gathered from host variables, with a failing record for each
host that recorded nothing (it failed or was unreachable first), so no host drops out of the report."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.zerto_msp.billing.plugins.module_utils.report import records as rec

NO_RESULT = "no_result"
NO_RESULT_MEANING = ("The host failed or was unreachable before any check recorded a result: "
                     "see this host in the job output.")


class GatherError(Exception):
    pass


def gather(hostvars, hosts, variable="zerto_billing_records", check="run"):
    if isinstance(hosts, str) or not isinstance(hosts, (list, tuple)):
        raise GatherError("hosts must be a list of host names, for example ansible_play_hosts_all, got %s"
                          % type(hosts).__name__)
    if not isinstance(check, str) or not check.strip():
        raise GatherError("check must be a non-empty string, got %r" % (check,))
    gathered = []
    for host in hosts:
        host_vars = hostvars[host] if host in hostvars else {}
        host_records = host_vars.get(variable) or []
        if not isinstance(host_records, list):
            raise GatherError("%s of host %s must be a list of records, got %s"
                              % (variable, host, type(host_records).__name__))
        if host_records:
            gathered.extend(host_records)
        else:
            gathered.append(dict(host=host, check=check, status=rec.FAIL, error_class=NO_RESULT,
                                 meaning=NO_RESULT_MEANING, detail="No record for this host in %s." % variable,
                                 data={}))
    return gathered
