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

JAVA="$jdk/bin/java"
. "$here/start-broker.sh"
start_broker paho-java "$work/log"

timeout 60 "$jdk/bin/java" -cp "$classes:$jar" PahoJavaCheck "tcp://127.0.0.1:$port"
rc=$?
[ $rc -eq 124 ] && echo "FAIL paho-java: timed out"
echo "--- client obligations of the Paho Java client"
kill -TERM "$pid"
wait "$pid" 2>/dev/null
pid=
grep -E '^(clients|client|breach) ' "$work/log"
if grep -q '^breach ' "$work/log"; then echo "FAIL paho-java: the broker recorded breaches (see above)"; rc=1; fi
exit $rc
