# Copyright: contributors to zerto_msp.billing
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Print the demo's short summary from a billing_report JSON report: migrated and failed hosts.

Usage: python3 demo_summary.py REPORT.json
"""

import json
import sys

MIGRATION_CHECKS = ('egress_allow', 'legacy_cleanup', 'new_endpoint', 'legacy_endpoint')


def main(argv):
    with open(argv[0], encoding='utf-8') as handle:
        report = json.load(handle)
    records = {}
    for record in report['records']:
        records.setdefault(record['host'], []).append(record)
    print(report['summary'])
    print()
    for host in report['hosts']:
        name = host['host']
        passed = {r['check'] for r in records[name] if r['status'] in ('ok', 'warn')}
        if host['status'] == 'fail':
            reasons = ['%s: %s' % (r['check'], r['error_class']) for r in records[name] if r['status'] == 'fail']
            print('FAILED    %-22s %s' % (name, '; '.join(reasons)))
            for record in records[name]:
                if record['status'] == 'fail':
                    print('          %-22s %s' % ('', record['meaning']))
        elif set(MIGRATION_CHECKS) <= passed:
            sent = ', usage sent by the ZVM' if 'billing_send' in passed else ''
            print('MIGRATED  %-22s new endpoint open, legacy entries removed%s%s'
                  % (name, sent, ' (with warnings: %s)' % ', '.join(host['problems']) if host['problems'] else ''))
        else:
            print('%-9s %-22s %s' % (host['status'].upper(), name, ', '.join(host['problems']) or 'not migrated'))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
