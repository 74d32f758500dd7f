#!/usr/bin/env bash
# The Eclipse Paho Java client (Maven Central, fetched once into .cache/paho) against the mqttconf broker.
# Prints PASS/FAIL lines; exits 1 on any failure, 2 when it cannot run.
#
#   test/interop/paho-java.sh JDK_HOME        (make interop)
set -u
jdk=${1:?usage: paho-java.sh JDK_HOME}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
PAHO_VERSION=1.2.5
jar="$root/.cache/paho/org.eclipse.paho.client.mqttv3-$PAHO_VERSION.jar"

if [ ! -f "$jar" ]; then
    command -v mvn >/dev/null 2>&1 || { echo "paho-java: needs Maven once to fetch the Paho client" >&2; exit 2; }
    echo "fetching the Paho Java client $PAHO_VERSION into .cache/paho (first run only)"
    mkdir -p "$root/.cache/paho"
    JAVA_HOME="$jdk" timeout 300 mvn -q dependency:copy \
        -Dartifact=org.eclipse.paho:org.eclipse.paho.client.mqttv3:$PAHO_VERSION -DoutputDirectory="$root/.cache/paho" \
        >"$root/.cache/paho/fetch.log" 2>&1 ||
        { cat "$root/.cache/paho/fetch.log" >&2; echo "paho-java: could not fetch the Paho Java client" >&2; exit 2; }
fi
classes="$root/build/interop/paho-java"
mkdir -p "$classes"
"$jdk/bin/javac" -d "$classes" -cp "$jar" "$here/paho-java/PahoJavaCheck.java" || exit 2

work=$(mktemp -d)
pid=
cleanup() {
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 2' INT TERM

"$jdk/bin/java" -jar "$root/build/mqttconf.jar" broker --port 0 >"$work/log" 2>&1 &
pid=$!
port=
for _ in $(seq 1 100); do
    port=$(sed -n 's/.*Starting the MQTT server on port \([0-9]*\).*/\1/p' "$work/log")
    [ -n "$port" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
done
[ -n "$port" ] || { echo "paho-java: the broker did not start:" >&2; cat "$work/log" >&2; exit 2; }

timeout 60 "$jdk/bin/java" -cp "$classes:$jar" PahoJavaCheck "tcp://127.0.0.1:$port"
rc=$?
[ $rc -eq 124 ] && echo "FAIL paho-java: timed out"
exit $rc
