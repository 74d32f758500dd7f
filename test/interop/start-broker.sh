# Sourced by the interop scripts: start_broker NAME LOG [BROKER ARGS...] starts the mqttconf broker on a free
# port (port 0: the broker picks one and logs it, so there is no race for a port), waits (bounded) until it
# accepts connections, and sets $pid and $port. On failure it prints the log and exits 2. Needs $root and,
# for the java to run, $JAVA (default: bin/mqttconf finds one).
start_broker() {
    local name=$1 log=$2; shift 2
    if [ -n "${JAVA:-}" ]; then "$JAVA" -jar "$root/build/mqttconf.jar" broker --port 0 "$@" >"$log" 2>&1 &
    else "$root/bin/mqttconf" broker --port 0 "$@" >"$log" 2>&1 &
    fi
    pid=$!
    port=
    for _ in $(seq 1 100); do
        port=$(sed -n 's/.*Starting the MQTT server on port \([0-9]*\).*/\1/p' "$log")
        [ -n "$port" ] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    [ -n "$port" ] || { echo "$name: the broker did not start:" >&2; cat "$log" >&2; exit 2; }
}
