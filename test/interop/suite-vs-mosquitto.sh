#!/bin/sh
# Runs the conformance suite (mqttconf test) against mosquitto started on a
# free loopback port, then stops it. Every non-PASS verdict is printed by the
# suite itself; this script fails when a MUST fails that is not a known
# deviation of mosquitto 2.0.x, or when a test could not run.
#
#   test/interop/suite-vs-mosquitto.sh [extra mqttconf test options]
#
# Known deviations: see mosquitto-deviations.sh. Any other FAIL, and any ERROR,
# fails this script.

here=$(cd "$(dirname "$0")" && pwd)
. "$here/mosquitto-deviations.sh"
root=$(cd "$here/../.." && pwd)
command -v mosquitto >/dev/null 2>&1 || { echo "suite-vs-mosquitto: mosquitto is not installed" >&2; exit 2; }
[ -f "$root/build/mqttconf.jar" ] || { echo "suite-vs-mosquitto: build/mqttconf.jar missing (run make)" >&2; exit 2; }

work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT INT TERM

. "$here/start-mosquitto.sh"
start_mosquitto suite-vs-mosquitto "$work" 'allow_anonymous true'
echo "suite-vs-mosquitto: $(mosquitto -h 2>/dev/null | head -1) on 127.0.0.1:$port"

"$root/bin/mqttconf" test "127.0.0.1:$port" --json "$work/result.json" "$@"
code=$?
[ $code -eq 2 ] && exit 2
[ -f "$work/result.json" ] || { echo "suite-vs-mosquitto: no result written (exit $code)" >&2; exit 3; }

verdict_names() { grep "\"verdict\": \"$1\"" "$work/result.json" | sed 's/^ *{"name": "\([^"]*\)".*/\1/'; }
status=0
for t in $(verdict_names FAIL); do
    case " $KNOWN " in
        *" $t "*) echo "suite-vs-mosquitto: known mosquitto deviation: $t" ;;
        *) echo "suite-vs-mosquitto: unexpected FAIL: $t" >&2; status=1 ;;
    esac
done
for t in $(verdict_names ERROR); do echo "suite-vs-mosquitto: ERROR: $t" >&2; status=1; done
exit $status
