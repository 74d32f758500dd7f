#!/usr/bin/env bash
# Eclipse Paho C's own test suite against mosquitto and against the mqttconf broker: builds Paho C (cmake, gcc)
# from a checkout given in PAHO_C_SRC, then runs its MQTT 3.1.1 ctest suite over TCP and its WebSocket tests
# against each broker in turn, with Paho's test proxy (test/mqttsas.py) in front for the tests that cut a
# connection. Prints per broker and transport the tests passed and failed, the breaches the mqttconf broker
# recorded and the coverage it reached; then FAIL for each test that passes against mosquitto and not against
# ours. Exits 1 on such a test or a breach, 2 when it cannot run, 0 (after one line saying so) without PAHO_C_SRC.
#
#   PAHO_C_SRC=DIR test/interop/paho-c.sh [JDK_HOME]
#     PAHO_C_TESTS=REGEX   only the ctest names matching REGEX (default: all 3.1.1 tests)
#     PAHO_C_TIMEOUT=N     seconds a single test may take before it is killed and counted failed (default 120)
#
# Left out: the MQTT 5 tests (test10, test11, test15, test45, test95: this is a 3.1.1 broker) and the TLS tests (test3:
# Paho is built without TLS here). The Paho C source is never copied into this repository.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
jdk=${1:-}
TIMEOUT=${PAHO_C_TIMEOUT:-120}
ONLY=${PAHO_C_TESTS:-.}
PY=/usr/bin/python3

if [ -z "${PAHO_C_SRC:-}" ]; then
    echo "paho-c: skipped: set PAHO_C_SRC to a checkout of Eclipse Paho C (github.com/eclipse/paho.mqtt.c) to run its tests"
    exit 0
fi
src=$(cd "$PAHO_C_SRC" 2>/dev/null && pwd) || { echo "paho-c: PAHO_C_SRC=$PAHO_C_SRC is not a directory" >&2; exit 2; }
[ -f "$src/test/CMakeLists.txt" ] && [ -f "$src/test/mqttsas.py" ] ||
    { echo "paho-c: $src is not a Paho C checkout (no test/CMakeLists.txt, test/mqttsas.py)" >&2; exit 2; }
for tool in cmake gcc make ctest mosquitto; do
    command -v $tool >/dev/null 2>&1 || { echo "paho-c: needs $tool (apt-get install cmake gcc make mosquitto)" >&2; exit 2; }
done
[ -f "$root/build/mqttconf.jar" ] || { echo "paho-c: build/mqttconf.jar missing (run make)" >&2; exit 2; }
if [ -n "$jdk" ]; then JAVA="$jdk/bin/java"; else JAVA=; fi

work=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 2' INT TERM

# Three free loopback ports: MQTT over TCP, over WebSocket, and the proxy. They are compiled into the ctest file.
read -r tcp ws proxy < <("$PY" - <<'PY'
import socket
ss = [socket.socket() for _ in range(3)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in ss])
for s in ss: s.close()
PY
)
build="$root/build/interop/paho-c"
mkdir -p "$build"
echo "paho-c: building Paho C from $src in $build"
(cd "$build" && cmake -DPAHO_WITH_SSL=FALSE -DPAHO_BUILD_SAMPLES=FALSE -DPAHO_BUILD_DOCUMENTATION=FALSE \
    -DPAHO_ENABLE_TESTING=TRUE -DCMAKE_BUILD_TYPE=Debug \
    -DMQTT_TEST_BROKER="tcp://127.0.0.1:$tcp" -DMQTT_WS_TEST_BROKER="ws://127.0.0.1:$ws" \
    -DMQTT_TEST_PROXY="tcp://127.0.0.1:$proxy" -DMQTT_WS_TEST_PROXY="tcp://127.0.0.1:$proxy" "$src" \
    && make -j2) >"$work/build.log" 2>&1 || { tail -30 "$work/build.log" >&2; echo "paho-c: build failed" >&2; exit 2; }

V5='^test(10|11|15|45|95)-'
wait_port() { # wait_port PORT PID: bounded wait until something listens on PORT
    for _ in $(seq 1 100); do
        "$PY" -c "import socket,sys; socket.create_connection(('127.0.0.1',$1),0.2).close()" 2>/dev/null && return 0
        kill -0 "$2" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}
start_proxy() {
    (cd "$src/test" && exec "$PY" mqttsas.py 127.0.0.1 "$tcp" "$proxy") >"$work/proxy-$1.log" 2>&1 &
    proxy_pid=$!
    pids+=("$proxy_pid")
    wait_port "$proxy" "$proxy_pid" || { echo "paho-c: the test proxy did not start" >&2; cat "$work/proxy-$1.log" >&2; exit 2; }
}
stop() { kill -TERM "$1" 2>/dev/null; wait "$1" 2>/dev/null; }

# run_one NAME LOG: one ctest test, killed with its process group after $TIMEOUT s (Paho's own TIMEOUT property
# of 540 s would outlast a hang); prints NAME passed or NAME failed
run_one() {
    local n=0 p
    (cd "$build" && exec setsid ctest -R "^$1\$" --output-on-failure) >>"$2" 2>&1 &
    p=$!
    while kill -0 "$p" 2>/dev/null && [ $n -lt $((TIMEOUT * 10)) ]; do sleep 0.1; n=$((n + 1)); done
    if kill -0 "$p" 2>/dev/null; then
        kill -- "-$p" 2>/dev/null; wait "$p" 2>/dev/null
        echo "$1 timed out after $TIMEOUT s" >>"$2"
        echo "$1 failed"
    elif wait "$p"; then echo "$1 passed"
    else echo "$1 failed"
    fi
}
# run_suite SIDE: both transports' tests; results in $work/SIDE-{tcp,ws}.{passed,failed}
run_suite() {
    local side=$1 kind t
    for kind in tcp ws; do
        : >"$work/$side-$kind.passed"; : >"$work/$side-$kind.failed"
        grep -E -e "$ONLY" "$work/$kind.names" >"$work/$kind.run"
        [ -s "$work/$kind.run" ] || continue
        while read -r t; do
            case $(run_one "$t" "$work/$side-$kind.log") in
                *passed) echo "$t" >>"$work/$side-$kind.passed" ;;
                *) echo "$t" >>"$work/$side-$kind.failed" ;;
            esac
        done <"$work/$kind.run"
        printf '%-9s %-3s %3d passed, %3d failed%s\n' "$side" "$kind" "$(wc -l <"$work/$side-$kind.passed")" \
            "$(wc -l <"$work/$side-$kind.failed")" "$( [ -s "$work/$side-$kind.failed" ] && echo ": $(tr '\n' ' ' <"$work/$side-$kind.failed")")"
    done
}
(cd "$build" && ctest -N) | sed -n 's/^ *Test *#[0-9]*: //p' | grep -Ev "$V5" >"$work/all.names"
grep -v -- '-ws-' "$work/all.names" >"$work/tcp.names"
grep -- '-ws-' "$work/all.names" >"$work/ws.names"

# --- mosquitto --------------------------------------------------------------------------------------------
printf 'per_listener_settings false\nallow_anonymous true\nlistener %s 127.0.0.1\nlistener %s 127.0.0.1\nprotocol websockets\n' \
    "$tcp" "$ws" >"$work/mosquitto.conf"
mosquitto -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 &
mpid=$!
pids+=("$mpid")
wait_port "$tcp" "$mpid" || { echo "paho-c: mosquitto did not start" >&2; cat "$work/mosquitto.log" >&2; exit 2; }
start_proxy mosquitto
echo "paho-c: against $(mosquitto -h 2>/dev/null | head -1) (tcp $tcp, ws $ws, proxy $proxy)"
run_suite mosquitto
stop "$proxy_pid"; stop "$mpid"

# --- mqttconf ---------------------------------------------------------------------------------------------
if [ -n "$JAVA" ]; then broker=("$JAVA" -jar "$root/build/mqttconf.jar"); else broker=("$root/bin/mqttconf"); fi
"${broker[@]}" broker --port "$tcp" --ws-port "$ws" >"$work/broker.log" 2>&1 &
bpid=$!
pids+=("$bpid")
wait_port "$tcp" "$bpid" || { echo "paho-c: the mqttconf broker did not start" >&2; cat "$work/broker.log" >&2; exit 2; }
start_proxy mqttconf
echo "paho-c: against the mqttconf broker (tcp $tcp, ws $ws, proxy $proxy)"
run_suite mqttconf
stop "$proxy_pid"; stop "$bpid"

mkdir -p "$root/build/interop"
cp "$work/broker.log" "$root/build/interop/paho-c-broker.log"
breaches=$(grep -c '^breach ' "$work/broker.log")
echo "mqttconf breaches recorded: $breaches"
grep '^breach ' "$work/broker.log"
grep '^coverage ' "$work/broker.log"
rc=0
for kind in tcp ws; do
    [ -f "$work/mosquitto-$kind.passed" ] || continue
    while read -r t; do
        grep -qxF "$t" "$work/mqttconf-$kind.passed" || { echo "FAIL paho-c $t: passes against mosquitto, not against mqttconf"; rc=1; }
    done <"$work/mosquitto-$kind.passed"
done
[ "$breaches" -gt 0 ] && { echo "FAIL paho-c: the broker recorded breaches against Paho C (see above)"; rc=1; }
[ $rc -eq 0 ] && echo "PASS paho-c: every test that passes against mosquitto passes against mqttconf, no breach"
exit $rc
