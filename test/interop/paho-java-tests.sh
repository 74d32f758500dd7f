#!/usr/bin/env bash
# Eclipse Paho Java's own JUnit tests (module org.eclipse.paho.client.mqttv3.test) against mosquitto and against
# the mqttconf broker, over TCP and WebSocket: compiles them from a checkout given in PAHO_JAVA_SRC against the
# Paho Java client 1.2.5 and JUnit 4 (fetched once through Maven into .cache/paho), runs them with the JUnit
# console launcher already in .cache/junit against each broker in turn, and prints per broker the tests passed and
# failed, the breaches the mqttconf broker recorded (its findings about Paho Java) and the coverage it reached;
# then, for each test that passes against mosquitto and not against ours, INTERMITTENT when it passes re-run alone
# against ours (once or twice) and FAIL when it does not. Exits 1 on such a FAIL, 2 when it cannot run, 0 (after
# one line saying so) without PAHO_JAVA_SRC. Takes about 15 minutes.
#
#   PAHO_JAVA_SRC=DIR test/interop/paho-java-tests.sh JDK_HOME    (DIR: a checkout of paho.mqtt.java, tag v1.2.5)
#
# Left out, as they need what a loopback run does not have:
#   ConnectionLossTest (asks the operator to unplug the network), BasicTest#test330 and
#   SendReceiveAsyncTest#testConnectTimeout (connect to iot.eclipse.org), BasicSSLTest, SSLSessionResumptionTest,
#   TLSHostnameVerificationTest (a TLS broker with Paho's own keystore), MqttDataTypesTest (needs JAXB, and no
#   broker). The Paho Java sources are never copied into this repository.
set -u
jdk=${1:?usage: PAHO_JAVA_SRC=DIR paho-java-tests.sh JDK_HOME}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
PY=/usr/bin/python3

if [ -z "${PAHO_JAVA_SRC:-}" ]; then
    echo "paho-java-tests: skipped: set PAHO_JAVA_SRC to a checkout of Eclipse Paho Java (github.com/eclipse/paho.mqtt.java, tag v1.2.5) to run its tests"
    exit 0
fi
module=$(cd "$PAHO_JAVA_SRC" 2>/dev/null && pwd)/org.eclipse.paho.client.mqttv3.test
[ -d "$module/src/test/java" ] || { echo "paho-java-tests: $PAHO_JAVA_SRC has no org.eclipse.paho.client.mqttv3.test/src/test/java" >&2; exit 2; }
command -v mosquitto >/dev/null 2>&1 || { echo "paho-java-tests: needs mosquitto (apt-get install mosquitto)" >&2; exit 2; }
[ -f "$root/build/mqttconf.jar" ] || { echo "paho-java-tests: build/mqttconf.jar missing (run make)" >&2; exit 2; }
launcher=$(ls "$root"/.cache/junit/junit-platform-console-standalone-*.jar 2>/dev/null | head -1)
[ -n "$launcher" ] || { echo "paho-java-tests: no JUnit console launcher in .cache/junit (run make test once)" >&2; exit 2; }

cache="$root/.cache/paho"
jars=
for artifact in org.eclipse.paho:org.eclipse.paho.client.mqttv3:1.2.5 junit:junit:4.13.2 org.hamcrest:hamcrest-core:1.3; do
    IFS=: read -r _ name version <<<"$artifact"
    jar="$cache/$name-$version.jar"
    if [ ! -f "$jar" ]; then
        command -v mvn >/dev/null 2>&1 || { echo "paho-java-tests: needs Maven once to fetch $artifact" >&2; exit 2; }
        mkdir -p "$cache"
        JAVA_HOME="$jdk" timeout 300 mvn -q dependency:copy -Dartifact="$artifact" -DoutputDirectory="$cache" \
            >"$cache/fetch.log" 2>&1 || { cat "$cache/fetch.log" >&2; echo "paho-java-tests: could not fetch $artifact" >&2; exit 2; }
    fi
    jars="$jars:$jar"
done
jars=${jars#:}

work=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 2' INT TERM
cd "$work" || exit 2 # Paho's tests write framework.log into the working directory

classes="$root/build/interop/paho-java-tests"
rm -rf "$classes" && mkdir -p "$classes"
find "$module/src/test/java" -name '*.java' | grep -v -E \
    '/(ConnectionLossTest|BasicSSLTest|SSLSessionResumptionTest|TLSHostnameVerificationTest|MqttDataTypesTest)\.java$' \
    >"$work/sources"
"$jdk/bin/javac" -nowarn -encoding UTF-8 -d "$classes" -cp "$jars" @"$work/sources" >"$work/javac.log" 2>&1 ||
    { cat "$work/javac.log" >&2; echo "paho-java-tests: the Paho Java tests do not compile" >&2; exit 2; }
cp -r "$module/src/test/resources/." "$classes/"

read -r tcp ws < <("$PY" - <<'PY'
import socket
ss = [socket.socket() for _ in range(2)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in ss])
for s in ss: s.close()
PY
)
wait_port() { # wait_port PORT PID: bounded wait until something listens on PORT
    for _ in $(seq 1 100); do
        "$PY" -c "import socket; socket.create_connection(('127.0.0.1',$1),0.2).close()" 2>/dev/null && return 0
        kill -0 "$2" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}
# run_tests SIDE: results in $work/SIDE.passed and $work/SIDE.failed (class#method per line)
run_tests() {
    local side=$1
    timeout 1800 "$jdk/bin/java" --add-opens java.base/java.net=ALL-UNNAMED -Djava.io.tmpdir="$work" \
        -DSERVER_URI="tcp://127.0.0.1:$tcp" -DSERVER_WEBSOCKET_URI="ws://127.0.0.1:$ws" -jar "$launcher" execute \
        --disable-banner --disable-ansi-colors --details=tree --class-path "$classes:$jars" --scan-class-path "$classes" \
        --include-classname '.*Test' --exclude-methodname '.*(BasicTest#test330|SendReceiveAsyncTest#testConnectTimeout).*' \
        --reports-dir "$work/$side-reports" >"$work/$side.log" 2>&1
    "$PY" - "$work/$side-reports" "$work/$side" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
passed, failed = [], []
for f in glob.glob(sys.argv[1] + "/TEST-*.xml"):
    for case in ET.parse(f).getroot().iter("testcase"):
        name = case.get("classname", "").rsplit(".", 1)[-1] + "#" + case.get("name", "")
        if case.find("skipped") is not None: continue
        (failed if case.find("failure") is not None or case.find("error") is not None else passed).append(name)
open(sys.argv[2] + ".passed", "w").write("".join(n + "\n" for n in sorted(passed)))
open(sys.argv[2] + ".failed", "w").write("".join(n + "\n" for n in sorted(failed)))
PY
    printf '%-9s %3d passed, %3d failed%s\n' "$side" "$(wc -l <"$work/$side.passed")" "$(wc -l <"$work/$side.failed")" \
        "$( [ -s "$work/$side.failed" ] && echo ": $(tr '\n' ' ' <"$work/$side.failed")")"
}

printf 'per_listener_settings false\nallow_anonymous true\nlistener %s 127.0.0.1\nlistener %s 127.0.0.1\nprotocol websockets\n' \
    "$tcp" "$ws" >"$work/mosquitto.conf"
mosquitto -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 &
mpid=$!
pids+=("$mpid")
wait_port "$tcp" "$mpid" || { echo "paho-java-tests: mosquitto did not start" >&2; cat "$work/mosquitto.log" >&2; exit 2; }
echo "paho-java-tests: against $(mosquitto -h 2>/dev/null | head -1) (tcp $tcp, ws $ws)"
run_tests mosquitto
kill -TERM "$mpid"; wait "$mpid" 2>/dev/null

"$jdk/bin/java" -jar "$root/build/mqttconf.jar" broker --port "$tcp" --ws-port "$ws" >"$work/broker.log" 2>&1 &
bpid=$!
pids+=("$bpid")
wait_port "$tcp" "$bpid" || { echo "paho-java-tests: the mqttconf broker did not start" >&2; cat "$work/broker.log" >&2; exit 2; }
echo "paho-java-tests: against the mqttconf broker (tcp $tcp, ws $ws)"
run_tests mqttconf

# rerun_alone CLASS#METHOD: that test's class again against the running mqttconf broker (the launcher cannot select
# one case of Paho's parameterized JUnit 4 tests), true if that one test passed; the log goes to mqttconf-alone.log.
rerun_alone() {
    rm -rf "$work/alone-reports"
    timeout 600 "$jdk/bin/java" --add-opens java.base/java.net=ALL-UNNAMED -Djava.io.tmpdir="$work" \
        -DSERVER_URI="tcp://127.0.0.1:$tcp" -DSERVER_WEBSOCKET_URI="ws://127.0.0.1:$ws" -jar "$launcher" execute \
        --disable-banner --disable-ansi-colors --details=tree --class-path "$classes:$jars" \
        --select-class "org.eclipse.paho.client.mqttv3.test.${1%%#*}" --reports-dir "$work/alone-reports" \
        >>"$work/mqttconf-alone.log" 2>&1
    "$PY" - "$work/alone-reports" "$1" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
for f in glob.glob(sys.argv[1] + "/TEST-*.xml"):
    for case in ET.parse(f).getroot().iter("testcase"):
        name = case.get("classname", "").rsplit(".", 1)[-1] + "#" + case.get("name", "")
        if name == sys.argv[2] and not any(case.find(k) is not None for k in ("failure", "error", "skipped")):
            sys.exit(0)
sys.exit(1)
PY
}

# A test that passed against mosquitto and not against ours runs again alone against ours (up to twice): many of
# Paho's tests wait 10 s or less and fail on either broker on a busy machine. Failing alone every time is a FAIL.
rc=0
intermittent=0
verdicts=
while read -r t; do
    grep -qxF "$t" "$work/mqttconf.passed" && continue
    if rerun_alone "$t" || rerun_alone "$t"; then
        verdicts+="INTERMITTENT paho-java-tests $t: failed in the full run against mqttconf, passed re-run alone"$'\n'
        intermittent=$((intermittent + 1))
    else
        verdicts+="FAIL paho-java-tests $t: passes against mosquitto, not against mqttconf (nor twice re-run alone)"$'\n'
        rc=1
    fi
done <"$work/mosquitto.passed"
kill -TERM "$bpid"; wait "$bpid" 2>/dev/null

mkdir -p "$root/build/interop"
cp "$work/broker.log" "$root/build/interop/paho-java-tests-broker.log"
for f in mosquitto mqttconf mqttconf-alone; do [ -f "$work/$f.log" ] && cp "$work/$f.log" "$root/build/interop/paho-java-tests-$f.log"; done
breaches=$(grep -c '^breach ' "$work/broker.log")
echo "mqttconf breaches recorded: $breaches"
grep '^breach ' "$work/broker.log"
grep '^coverage ' "$work/broker.log"
printf '%s' "$verdicts"
# A breach is the broker's claim about Paho Java, its evidence printed above: reported, not a failure of the broker.
# Seen in most runs: a PUBACK after DISCONNECT [MQTT-3.14.4-2] (Paho's callback thread acknowledging a delivery
# while the test thread disconnects), also seen by a byte-logging proxy between Paho and the broker.
[ "$breaches" -gt 0 ] && echo "NOTE paho-java-tests: the broker recorded $breaches breach(es) by Paho Java (see above)"
[ $rc -eq 0 ] && echo "PASS paho-java-tests: every test that passes against mosquitto passes against mqttconf" \
    "($intermittent of them only when re-run alone)"
exit $rc
