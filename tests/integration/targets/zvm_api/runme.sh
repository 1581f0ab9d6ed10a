#!/usr/bin/env bash
# Build the ZVM API lab, run the play inside the lab controller's namespace, check the whole
# output for secrets and tracebacks, always tear the lab down.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../../.." && pwd)
lab_script="$root/tests/lab/zvm_api_lab.py"

# One lab run at a time: the namespace names are fixed, and `up` removes leftovers.
exec 9>/run/lock/zba-zapi-lab.lock
flock -w 240 9 || { echo "another zvm_api lab run holds /run/lock/zba-zapi-lab.lock" >&2; exit 1; }

state=$(mktemp -d /tmp/zba-zapi.XXXXXX)

cleanup() {
  status=$?
  if [ "$status" -ne 0 ]; then
    for log in "$state"/zvm_api.log "$state"/billing.log "$state"/proxy.log; do
      [ -f "$log" ] && { echo "--- tail of $log"; tail -n 40 "$log"; }
    done
  fi
  python3 "$lab_script" down || true
  rm -rf "$state"
  exit "$status"
}
trap cleanup EXIT

python3 "$lab_script" up "$state"

# No proxy or CA bundle from the caller's environment may leak into the lab run.
env -u https_proxy -u HTTPS_PROXY -u http_proxy -u HTTP_PROXY -u all_proxy -u ALL_PROXY -u no_proxy -u NO_PROXY \
    -u REQUESTS_CA_BUNDLE -u CURL_CA_BUNDLE ANSIBLE_NOCOLOR=1 \
  ip netns exec zba-zapi-ctl ansible-playbook -v -i "$here/inventory.ini" "$here/runme.yml" \
    -e "@$state/lab_vars.json" "$@" 2>&1 | tee "$state/play.log"

# The play passed; now the whole output, not only what the asserts looked at.
python3 - "$state/lab_vars.json" "$state/play.log" <<'PY'
import base64, json, sys
lab = json.load(open(sys.argv[1]))['zvm_lab']
text = open(sys.argv[2]).read()
basic = base64.b64encode(('%s:%s' % (lab['username'], lab['password'])).encode()).decode()
leaks = {'password': lab['password'], 'client secret': lab['client_secret'], 'basic auth header': basic,
         'license key': lab['license_key'], 'proxy password': lab['proxy_password'],
         'wrong proxy password': 'Zba-WrongProxyPw', 'wrong password': 'Zba-WrongPw-5e1f07'}
problems = ['%s found in the play output' % name for name, value in leaks.items() if value in text]
problems += ['%r found in the play output' % marker for marker in ('Traceback', 'MODULE FAILURE', 'module_stderr')
             if marker in text]
if 'PLAY RECAP' not in text:
    problems.append('the play output has no recap: the check looked at the wrong text')
for problem in problems:
    print('FAIL: ' + problem)
sys.exit(1 if problems else 0)
PY
echo "zvm_api: play output is free of secrets and tracebacks"
