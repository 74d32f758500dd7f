#!/usr/bin/env bash
# TLS and WebSocket against real peers, on free loopback ports, with throwaway
# certificates from `mqttconf certs`:
#   1. mosquitto with a WebSocket, a TLS and a WebSocket-over-TLS listener:
#      the conformance suite (mqttconf test) over ws://, ssl:// and wss://;
#   2. the mqttconf broker with TLS listeners (client certificate optional and
#      required) and a WebSocket listener from a mosquitto-style config file:
#      mosquitto_pub/mosquitto_sub over TLS (Debian's build has no WebSocket
#      client), python3-paho-mqtt over WebSocket.
# Prints PASS/FAIL lines; exits 1 on a failure, 2 when it cannot run.
#
# Known mosquitto 2.0.11 deviations: mosquitto-deviations.sh (also
# websocket.text-frame-closes: MQTT in a text frame is answered [MQTT-6.0.0-1]).
set -u

here=$(cd "$(dirname "$0")" && pwd)
. "$here/mosquitto-deviations.sh"
root=$(cd "$here/../.." && pwd)
PY=/usr/bin/python3
W=5
for tool in mosquitto mosquitto_pub mosquitto_sub; do
    command -v $tool >/dev/null 2>&1 || { echo "transports: $tool is not installed" >&2; exit 2; }
done
[ -f "$root/build/mqttconf.jar" ] || { echo "transports: build/mqttconf.jar missing (run make)" >&2; exit 2; }

work=$(mktemp -d)
mpid=
bpid=
cleanup() {
    [ -n "$mpid" ] && kill "$mpid" 2>/dev/null && wait "$mpid" 2>/dev/null
    [ -n "$bpid" ] && kill "$bpid" 2>/dev/null && wait "$bpid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 2' INT TERM

"$root/bin/mqttconf" certs "$work/certs" >/dev/null || { echo "transports: cannot make certificates" >&2; exit 2; }
C=$work/certs
# mosquitto started as root reads its files as the user mosquitto.
chmod 755 "$work" "$C" && chmod 644 "$C"/*
failures=0
check() { # check WHAT COMMAND...: PASS if the command succeeds
    local what=$1; shift
    if "$@"; then echo "PASS $what"; else echo "FAIL $what"; failures=$((failures + 1)); fi
}

# --- 1. the suite against mosquitto --------------------------------------
tries=0
while :; do
    tries=$((tries + 1))
    [ $tries -gt 20 ] && { echo "transports: no free ports for mosquitto" >&2; cat "$work/mlog" >&2; exit 2; }
    base=$(( 20000 + ($$ * 13 + tries * 7919) % 40000 ))
    ws=$base; tls=$((base + 1)); wss=$((base + 2))
    cat > "$work/mosquitto.conf" <<CONF
per_listener_settings false
allow_anonymous true
listener $ws 127.0.0.1
protocol websockets
listener $tls 127.0.0.1
certfile $C/server.crt
keyfile $C/server.key
listener $wss 127.0.0.1
protocol websockets
certfile $C/server.crt
keyfile $C/server.key
CONF
    : > "$work/mlog"
    mosquitto -c "$work/mosquitto.conf" > "$work/mlog" 2>&1 &
    mpid=$!
    n=0
    while [ $n -lt 50 ] && kill -0 "$mpid" 2>/dev/null && ! grep -q ' running' "$work/mlog"; do sleep 0.1; n=$((n + 1)); done
    grep -q ' running' "$work/mlog" && kill -0 "$mpid" 2>/dev/null && break
    kill "$mpid" 2>/dev/null; wait "$mpid" 2>/dev/null; mpid=
done
echo "transports: $(mosquitto -h 2>/dev/null | head -1): ws $ws, tls $tls, wss $wss"

suite() { # suite NAME URL [options]: the suite passes but for known deviations
    local name=$1; shift
    "$root/bin/mqttconf" test "$@" --quiet --json "$work/$name.json" > "$work/$name.out" 2>&1
    local code=$? ok=0 t known=0
    [ -f "$work/$name.json" ] || { cat "$work/$name.out"; return 1; }
    tail -1 "$work/$name.out"
    for t in $(grep '"verdict": "FAIL"' "$work/$name.json" | sed 's/^ *{"name": "\([^"]*\)".*/\1/'); do
        case " $KNOWN " in
            *" $t "*) known=$((known + 1)) ;;
            *) echo "     unexpected FAIL: $t"; ok=1 ;;
        esac
    done
    [ $known -gt 0 ] && echo "     $known FAILs are known mosquitto deviations (mosquitto-deviations.sh)"
    grep -q '"verdict": "ERROR"' "$work/$name.json" && { echo "     a test could not run"; ok=1; }
    [ $code -le 1 ] && return $ok
}
check "suite over ws:// against mosquitto" suite ws "ws://127.0.0.1:$ws/mqtt"
check "suite over ssl:// against mosquitto" suite ssl "ssl://localhost:$tls" --cafile "$C/ca.crt"
check "suite over wss:// against mosquitto" suite wss "wss://localhost:$wss/mqtt" --cafile "$C/ca.crt"
kill "$mpid"; wait "$mpid" 2>/dev/null; mpid=

# --- 2. real clients against the mqttconf broker -------------------------
cat > "$work/broker.conf" <<CONF
listener 0
listener 0
certfile $C/server.crt
keyfile $C/server.key
cafile $C/ca.crt
listener 0
certfile $C/server.crt
keyfile $C/server.key
cafile $C/ca.crt
require_certificate true
listener 0
protocol websockets
CONF
"$root/bin/mqttconf" broker -c "$work/broker.conf" > "$work/blog" 2>&1 &
bpid=$!
port_of() { sed -n "s/.*Starting the $1 server on 127.0.0.1 port \([0-9]*\)$2.*/\1/p" "$work/blog" | head -1; }
for _ in $(seq 1 100); do
    grep -q 'over WebSocket server' "$work/blog" && break
    kill -0 "$bpid" 2>/dev/null || break
    sleep 0.1
done
tls=$(port_of "MQTT over TLS" " (client certificate optional)")
tlsreq=$(port_of "MQTT over TLS" " (client certificate required)")
ws=$(port_of "MQTT over WebSocket" "")
[ -n "$tls" ] && [ -n "$tlsreq" ] && [ -n "$ws" ] || { echo "transports: the broker did not start:" >&2; cat "$work/blog" >&2; exit 2; }
echo "transports: mqttconf broker: tls $tls, tls with client certificates $tlsreq, ws $ws"

roundtrip() { # roundtrip PORT QOS [tls options]: mosquitto_sub gets what mosquitto_pub sends
    local port=$1 qos=$2; shift 2
    local topic="interop/tls/$port/$qos" out="$work/rt.$port.$qos"
    timeout $((W + 2)) mosquitto_sub -h localhost -p "$port" "$@" -t "$topic" -q "$qos" -C 1 -W "$W" -F '%q %p' >"$out" &
    local sub=$! i
    for i in $(seq 1 $((W * 10))); do   # retained copy: the subscriber gets it whenever it subscribes
        timeout "$W" mosquitto_pub -h localhost -p "$port" "$@" -t "$topic" -q "$qos" -r -m "hello $qos" && break
        sleep 0.1
    done
    wait "$sub" && [ "$(cat "$out")" = "$qos hello $qos" ]
}
for q in 0 1 2; do
    check "mosquitto_pub/sub over TLS at QoS $q (--cafile)" roundtrip "$tls" "$q" --cafile "$C/ca.crt"
done
check "mosquitto_pub/sub over TLS with a client certificate (required)" \
    roundtrip "$tlsreq" 1 --cafile "$C/ca.crt" --cert "$C/client.crt" --key "$C/client.key"
refused() { ! timeout "$W" mosquitto_pub -h localhost -p "$tlsreq" --cafile "$C/ca.crt" -t x -m y 2>/dev/null; }
check "mosquitto_pub without a client certificate is refused where one is required" refused
untrusted() { ! timeout "$W" mosquitto_pub -h localhost -p "$tls" -t x -m y --capath /nonexistent 2>/dev/null; }
check "mosquitto_pub refuses our certificate without the CA" untrusted
paho_ws() {
    timeout $((W + 5)) "$PY" - "$ws" <<'PY'
import sys, threading, paho.mqtt.client as mqtt
port, got = int(sys.argv[1]), threading.Event()
c = mqtt.Client("pahows", transport="websockets")
c.ws_set_options(path="/mqtt")
c.on_connect = lambda c, u, f, rc: c.subscribe("interop/ws", 1)
c.on_subscribe = lambda c, u, mid, q: c.publish("interop/ws", "over websocket", 1)
c.on_message = lambda c, u, m: m.payload == b"over websocket" and got.set()
c.connect("127.0.0.1", port, 30)
c.loop_start()
ok = got.wait(5)
c.disconnect(); c.loop_stop()
sys.exit(0 if ok else 1)
PY
}
if [ -x "$PY" ] && "$PY" -c 'import paho.mqtt.client' 2>/dev/null; then
    check "python3-paho-mqtt publishes and receives over WebSocket" paho_ws
else
    echo "SKIP python3-paho-mqtt over WebSocket (not installed)"
fi

kill -TERM "$bpid"; wait "$bpid" 2>/dev/null; bpid=
grep '^coverage statements' "$work/blog"
if [ "$failures" -gt 0 ]; then echo "transports: $failures check(s) failed"; exit 1; fi
echo "transports: all checks passed"
