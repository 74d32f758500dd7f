#!/usr/bin/env bash
# make bench: compiles the bench driver against build/mqttconf.jar and runs it with
# a raised open-file limit; whatever happens, every process it started is killed.
# Usage: test/bench/run.sh JAVA_HOME   (from the repository root, after make)
# BENCH=footprint runs the start-up, connect and memory rows only; BENCH_OPTS are JVM options for our broker.
set -u
jdk=${1:?usage: test/bench/run.sh JAVA_HOME}
cd "$(dirname "$0")/../.."

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 10240 ]; then
  echo "make bench: open-file limit $(ulimit -n) is below 10240; the 10,000-connection test will fail" >&2
fi

if ! command -v mosquitto >/dev/null && [ ! -x /usr/sbin/mosquitto ] || ! command -v mosquitto_pub >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "make bench: installing mosquitto and mosquitto-clients"
    timeout 300 apt-get install -y mosquitto mosquitto-clients >/dev/null ||
      { timeout 120 apt-get update >/dev/null && timeout 300 apt-get install -y mosquitto mosquitto-clients >/dev/null; } ||
      { echo "make bench: cannot install mosquitto" >&2; exit 2; }
  else
    echo "make bench: needs mosquitto, mosquitto_pub and mosquitto_sub (apt-get install mosquitto mosquitto-clients)" >&2
    exit 2
  fi
fi
mosquitto=$(command -v mosquitto || echo /usr/sbin/mosquitto)
# Debian starts a system mosquitto on 1883; we never touch it, ours run on free ports.

# A private copy of the jar, and of the launcher with a jar of its own (as in a checkout): a rebuild during
# the run must not change what is measured.
mkdir -p build/bench/root/bin build/bench/root/build
rm -rf build/bench/classes build/bench/pids
cp build/mqttconf.jar build/bench/mqttconf.jar || exit 3
# With its times kept, and the class-data-sharing archive `make` made for it: the JVM accepts an archive only for
# the jar it was made from (same size and time), so bin/mqttconf is measured as it starts after `make`.
rm -f build/bench/root/build/mqttconf-java*.jsa
cp -p build/mqttconf.jar build/bench/root/build/mqttconf.jar || exit 3
for f in build/mqttconf-java*.jsa; do [ -f "$f" ] && cp -p "$f" build/bench/root/build/; done
cp bin/mqttconf build/bench/root/bin/mqttconf || exit 3
"$jdk/bin/javac" --release 21 -Xlint:all -Werror -proc:none -encoding UTF-8 -cp build/bench/mqttconf.jar \
  -d build/bench/classes test/bench/*.java || exit 3

cleanup() {
  trap - EXIT INT TERM
  [ -n "${driver:-}" ] && kill "$driver" 2>/dev/null
  if [ -f build/bench/pids ]; then
    while read -r pid; do [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; done < build/bench/pids
  fi
  wait 2>/dev/null
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

MOSQUITTO=$mosquitto timeout 900 "$jdk/bin/java" -XX:+UseParallelGC -Xms512m -Xmx2g \
  -cp build/bench/mqttconf.jar:build/bench/classes bench.MakeBench &
driver=$!
wait "$driver"
rc=$?
driver=
exit $rc
