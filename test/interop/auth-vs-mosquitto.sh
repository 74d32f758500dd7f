#!/bin/sh
# Runs the auth.* tests of the suite against mosquitto started on a free
# loopback port with allow_anonymous false and a password file written by
# mosquitto_passwd, then stops it. Passes when the good credentials give only
# PASS and OBSERVED, and a wrong password ends the run in its preflight (exit 2,
# one line) instead of a pile of FAILs.
#
#   test/interop/auth-vs-mosquitto.sh [extra mqttconf test options]

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
for tool in mosquitto mosquitto_passwd; do
    command -v $tool >/dev/null 2>&1 || { echo "auth-vs-mosquitto: $tool is not installed" >&2; exit 2; }
done
[ -f "$root/build/mqttconf.jar" ] || { echo "auth-vs-mosquitto: build/mqttconf.jar missing (run make)" >&2; exit 2; }

work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT INT TERM

user=mqcuser
pass=mqc-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
mosquitto_passwd -b -c "$work/passwd" "$user" "$pass" || { echo "auth-vs-mosquitto: mosquitto_passwd failed" >&2; exit 2; }
# Started as root, mosquitto reads the password file after dropping to its own user.
chmod 755 "$work" && chmod 644 "$work/passwd"

. "$here/start-mosquitto.sh"
start_mosquitto auth-vs-mosquitto "$work" "allow_anonymous false
password_file $work/passwd"
echo "auth-vs-mosquitto: $(mosquitto -h 2>/dev/null | head -1) on 127.0.0.1:$port, allow_anonymous false, password file"

MQTTCONF_PASSWORD=$pass "$root/bin/mqttconf" test "127.0.0.1:$port" --only 'auth.*' --username "$user" \
    --json "$work/result.json" "$@"
code=$?
[ -f "$work/result.json" ] || { echo "auth-vs-mosquitto: no result written (exit $code)" >&2; exit 3; }
status=0
others=$(grep '"verdict"' "$work/result.json" | grep -v '"verdict": "PASS"' | grep -v '"verdict": "OBSERVED"' \
    | sed 's/^ *{"name": "\([^"]*\)", .*"verdict": "\([A-Z]*\)".*/\2 \1/')
[ -n "$others" ] && { echo "auth-vs-mosquitto: not PASS or OBSERVED:" >&2; echo "$others" >&2; status=1; }
[ $code -eq 0 ] || { echo "auth-vs-mosquitto: exit $code with good credentials" >&2; status=1; }

"$root/bin/mqttconf" test "127.0.0.1:$port" --only 'auth.*' --username "$user" --password "$pass-wrong" \
    > "$work/wrong.out" 2> "$work/wrong.err"
code=$?
if [ $code -ne 2 ] || [ "$(wc -l < "$work/wrong.err")" -ne 1 ] || grep -q FAIL "$work/wrong.out"; then
    echo "auth-vs-mosquitto: a wrong password should end in exit 2 and one line, got exit $code:" >&2
    cat "$work/wrong.err" "$work/wrong.out" >&2
    status=1
else
    echo "auth-vs-mosquitto: wrong password: $(cat "$work/wrong.err")"
fi
exit $status
