#!/usr/bin/env bash
# Real clients from Debian against the mqttconf broker: mosquitto_pub/mosquitto_sub
# and python3-paho-mqtt connect, publish and subscribe at QoS 0/1/2, use retained
# messages and wills, then python3-paho-mqtt through the mqttconf/exercise/ topics
# (client-exercises.py). The broker checks every client obligation it can see;
# its report (client lines, breach lines) is printed at the end and written to
# build/interop-report.{html,json,txt}. Prints PASS/FAIL lines; exits 1 on any
# failure, 2 when it cannot run. Installs the clients with apt-get when missing and run as root.
#
#   test/interop/broker-clients.sh        (make interop)
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# Debian's paho is installed for Debian's python, not for a pyenv python on PATH.
PY=/usr/bin/python3
W=5   # seconds any single wait may take

have_clients() {
    command -v mosquitto_pub >/dev/null 2>&1 && command -v mosquitto_sub >/dev/null 2>&1 &&
        [ -x "$PY" ] && "$PY" -c 'import paho.mqtt.client' 2>/dev/null
}
if ! have_clients; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "installing mosquitto-clients python3-paho-mqtt"
        timeout 300 apt-get install -y -q mosquitto-clients python3-paho-mqtt >/dev/null ||
            { timeout 300 apt-get update -q >/dev/null && timeout 300 apt-get install -y -q mosquitto-clients python3-paho-mqtt >/dev/null; }
    fi
    have_clients || { echo "broker-clients: need mosquitto-clients and python3-paho-mqtt (apt-get install them as root)" >&2; exit 2; }
fi
[ -f "$root/build/mqttconf.jar" ] || { echo "broker-clients: build/mqttconf.jar missing (run make)" >&2; exit 2; }

work=$(mktemp -d)
pid=
cleanup() {
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 2' INT TERM

. "$here/start-broker.sh"
start_broker broker-clients "$work/log" --verbose --coverage-file "$root/build/interop-report.html" \
    --coverage-file "$root/build/interop-report.json" --coverage-file "$root/build/interop-report.txt"
echo "broker on 127.0.0.1:$port"

failures=0
check() { # check WHAT COMMAND...: PASS if the command succeeds
    local what=$1; shift
    if "$@"; then echo "PASS $what"; else echo "FAIL $what"; failures=$((failures + 1)); fi
}
# Waits (bounded) until the broker has sent SUBACK to client id $1.
subscribed() {
    local i
    for i in $(seq 1 $((W * 20))); do
        grep -q -- "-> $1 SubAck" "$work/log" && return 0
        sleep 0.05
    done
    return 1
}
# Subscribes as $1 to $2 at QoS $3, publishes $4 at QoS $3 and expects it back.
roundtrip() {
    local id=$1 topic=$2 qos=$3 msg=$4 out="$work/$1.out"
    timeout $((W + 2)) mosquitto_sub -p "$port" -i "$id" -t "$topic" -q "$qos" -C 1 -W "$W" -F '%q %p' >"$out" &
    local sub=$!
    subscribed "$id" && timeout "$W" mosquitto_pub -p "$port" -t "$topic" -q "$qos" -m "$msg" || return 1
    wait "$sub" && [ "$(cat "$out")" = "$qos $msg" ]
}

check "mosquitto_pub connects and publishes" timeout "$W" mosquitto_pub -p "$port" -t interop/connect -m hello
for q in 0 1 2; do
    check "mosquitto_sub receives from mosquitto_pub at QoS $q" roundtrip "sub-q$q" "interop/qos$q" "$q" "message at qos $q"
done

retained() { # retained QOS: set, then a new subscriber gets it with RETAIN 1 at that QoS
    timeout "$W" mosquitto_pub -p "$port" -t "interop/retained/$1" -q "$1" -r -m "retained $1" &&
        [ "$(timeout $((W + 2)) mosquitto_sub -p "$port" -t "interop/retained/$1" -q 2 -C 1 -W "$W" -F '%r %q %p')" = "1 $1 retained $1" ]
}
for q in 0 1 2; do check "retained message at QoS $q is stored and sent with RETAIN 1" retained "$q"; done

cleared() { # an empty retained message deletes it: a new subscriber gets nothing within 1 s
    timeout "$W" mosquitto_pub -p "$port" -t interop/retained/1 -r -n &&
        [ -z "$(timeout 4 mosquitto_sub -p "$port" -t interop/retained/1 -C 1 -W 1 2>/dev/null)" ]
}
check "empty retained message clears the retained message" cleared

will() { # a client killed without DISCONNECT has its will published
    timeout $((W + 2)) mosquitto_sub -p "$port" -i will-watcher -t interop/will -q 1 -C 1 -W "$W" >"$work/will.out" &
    local watcher=$!
    subscribed will-watcher || return 1
    mosquitto_sub -p "$port" -i will-victim -t interop/nothing --will-topic interop/will \
        --will-payload "victim died" --will-qos 1 >/dev/null 2>&1 &
    local victim=$!
    subscribed will-victim || { kill -9 "$victim"; return 1; }
    { kill -9 "$victim"; wait "$victim"; } 2>/dev/null
    wait "$watcher" && [ "$(cat "$work/will.out")" = "victim died" ]
}
check "will is published when mosquitto_sub is killed" will

if timeout 60 "$PY" "$here/broker-clients.py" "$port"; then :; else failures=$((failures + 1)); fi
if timeout 90 "$PY" "$here/client-exercises.py" "$port"; then :; else failures=$((failures + 1)); fi

echo "--- broker coverage after these clients"
kill -TERM "$pid"
wait "$pid" 2>/dev/null
pid=
grep '^coverage statements' "$work/log"
echo "--- client obligations (report in build/interop-report.html)"
grep -E '^(clients|client|breach) ' "$work/log"
if [ "$failures" -gt 0 ]; then echo "interop: $failures check(s) failed"; exit 1; fi
echo "interop: all checks passed"
