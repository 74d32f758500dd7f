# Sourced by the interop scripts: start_mosquitto NAME WORKDIR EXTRA_CONFIG starts mosquitto on a free loopback
# port with "listener PORT 127.0.0.1" followed by the lines in EXTRA_CONFIG, trying other ports while another
# process holds one, waits (bounded) until it runs, and sets $pid and $port. On failure it prints the log and
# exits 2. Its log is WORKDIR/log.
start_mosquitto() {
    local name=$1 work=$2 extra=$3 tries=0 n
    while :; do
        tries=$((tries + 1))
        [ $tries -gt 20 ] && { echo "$name: no free port for mosquitto" >&2; cat "$work/log" >&2; exit 2; }
        port=$(( 20000 + ($$ * 7 + tries * 7919 + ${#name} * 101) % 40000 ))
        printf 'listener %s 127.0.0.1\n%s\n' "$port" "$extra" > "$work/conf"
        mosquitto -c "$work/conf" > "$work/log" 2>&1 &
        pid=$!
        n=0
        while [ $n -lt 50 ] && kill -0 "$pid" 2>/dev/null && ! grep -q ' running' "$work/log"; do
            sleep 0.1; n=$((n + 1))
        done
        grep -q ' running' "$work/log" && kill -0 "$pid" 2>/dev/null && return 0
        kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=
    done
}
