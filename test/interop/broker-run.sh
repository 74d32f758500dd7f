#!/usr/bin/env bash
# broker --run as a client library's CI would use it: the broker starts on a free port, runs a command with
# MQTT_HOST and MQTT_PORT in its environment, stops when it ends, prints its report and exits 0 only when the
# command succeeded and no client breached an obligation.
#   1. mosquitto_pub and python3-paho-mqtt, well behaved: exit 0
#   2. a raw client sending a second CONNECT on one connection [MQTT-3.1.0-2]: exit 1 (the command itself succeeds)
#   3. a command that fails with 7 and breaches nothing: exit 7
# Prints PASS/FAIL lines; exits 1 on any failure, 2 when it cannot run. Needs mosquitto-clients and
# python3-paho-mqtt (broker-clients.sh installs them).
#
#   test/interop/broker-run.sh        (make interop)
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
PY=/usr/bin/python3
command -v mosquitto_pub >/dev/null 2>&1 && "$PY" -c 'import paho.mqtt.client' 2>/dev/null ||
    { echo "broker-run: need mosquitto-clients and python3-paho-mqtt (apt-get install them as root)" >&2; exit 2; }
[ -f "$root/build/mqttconf.jar" ] || { echo "broker-run: build/mqttconf.jar missing (run make)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -n "${JAVA:-}" ]; then mqttconf=("$JAVA" -jar "$root/build/mqttconf.jar"); else mqttconf=("$root/bin/mqttconf"); fi

# The well-behaved command: mosquitto_pub at QoS 0, 1 and 2, then paho publishes QoS 1 to its own subscription.
cat > "$work/clean.sh" <<'SH'
set -e
for q in 0 1 2; do mosquitto_pub -h "$MQTT_HOST" -p "$MQTT_PORT" -i run-pub -q $q -t run/a -m "qos $q"; done
/usr/bin/python3 - <<'PY'
import os, sys, threading
import paho.mqtt.client as mqtt
host, port = os.environ["MQTT_HOST"], int(os.environ["MQTT_PORT"])
args = (mqtt.CallbackAPIVersion.VERSION1,) if hasattr(mqtt, "CallbackAPIVersion") else ()
c = mqtt.Client(*args, client_id="run-paho", clean_session=True)
got, subscribed = threading.Event(), threading.Event()
c.on_subscribe = lambda *a: subscribed.set()
c.on_message = lambda *a: got.set()
c.connect(host, port, keepalive=30)
c.loop_start()
c.subscribe("run/b", 1)
ok = subscribed.wait(5)
if ok:
    c.publish("run/b", b"hello", qos=1).wait_for_publish(5)
    ok = got.wait(5)
c.disconnect()
c.loop_stop()
print("paho: " + ("message round trip" if ok else "no message within 5 s"))
sys.exit(0 if ok else 1)
PY
SH
# The misbehaving one: a second CONNECT on the same connection; the command exits 0.
cat > "$work/raw.py" <<'PY'
import os, socket
s = socket.create_connection((os.environ["MQTT_HOST"], int(os.environ["MQTT_PORT"])), timeout=5)
connect = b"\x10\x0f\x00\x04MQTT\x04\x02\x00\x00\x00\x03raw"
s.sendall(connect)
s.recv(4)
s.sendall(connect)
try:
    while s.recv(64):
        pass
except OSError:
    pass
PY

failures=0
expect() { # expect WHAT CODE LOG: PASS when the run exited with CODE
    local what=$1 want=$2 got=$3 log=$4
    if [ "$got" = "$want" ]; then echo "PASS broker --run: $what (exit $got)"
    else echo "FAIL broker --run: $what: exit $got, expected $want"; sed 's/^/    /' "$log"; failures=$((failures + 1)); fi
}

timeout 120 "${mqttconf[@]}" broker --coverage-file "$root/build/interop-run-report.html" --run bash "$work/clean.sh" \
    >"$work/clean.log" 2>&1
expect "mosquitto_pub and paho, well behaved" 0 $? "$work/clean.log"
grep -q "^client run-paho: connections 1" "$work/clean.log" || { echo "FAIL broker --run: no report line for run-paho"; failures=$((failures + 1)); }

timeout 60 "${mqttconf[@]}" broker --run "$PY" "$work/raw.py" >"$work/raw.log" 2>&1
expect "a second CONNECT on one connection" 1 $? "$work/raw.log"
grep -q "^breach raw MQTT-3.1.0-2 " "$work/raw.log" || { echo "FAIL broker --run: no breach line for raw"; failures=$((failures + 1)); }

timeout 60 "${mqttconf[@]}" broker --run bash -c 'mosquitto_pub -h "$MQTT_HOST" -p "$MQTT_PORT" -t run/c -m x && exit 7' \
    >"$work/fail.log" 2>&1
expect "a failing command" 7 $? "$work/fail.log"

[ "$failures" = 0 ] || exit 1
