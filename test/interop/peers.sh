#!/bin/sh
# The conformance suite against other MQTT servers (make peers; not part of make test).
#
#   test/interop/peers.sh [NAME...] [-- mqttconf test options]
#       for each server (default: all), one at a time: start it on a free loopback port, run
#       `mqttconf test` PEERS_RUNS times (default 3; the server restarted before each run), stop it;
#       JUnit and JSON per run in build/peers/NAME-runN.{xml,json}, then per server the counts by
#       verdict and the tests whose verdict differed between runs (build/peers/summary.txt)
#   test/interop/peers.sh start NAME PORT    start one server on 127.0.0.1:PORT, return once it listens
#   test/interop/peers.sh stop NAME          stop the server started by `start NAME`
#   test/interop/peers.sh install [NAME...]  only install what the servers need
#
# Servers (NAME): mosquitto (Debian 2.0.11), paho (Eclipse Paho's Python test broker, from a checkout of
# eclipse/paho.mqtt.testing named by PAHO_TESTING; skipped, with a line saying so, when unset), moquette
# (0.17, Maven), aedes (1.2.0, npm), rabbitmq (Debian 3.10.8 with the rabbitmq_mqtt plugin; it also takes
# PORT+1 for AMQP, PORT+2 for Erlang distribution and PORT+3 for its own epmd, all on 127.0.0.1).
# Run as root, it installs what is missing (apt-get; Maven and npm into PEERS_CACHE, default .cache/peers).
#
# Environment: PAHO_TESTING, PEERS_RUNS, PEERS_CACHE, PEERS_OUT (default build/peers), PEERS_STATE (where
# `start` keeps pids and logs, default /tmp/mqttconf-peers), PEERS_PORTS (LOW-HIGH range for free ports;
# default: a free range below the kernel's ephemeral ports), PEERS_START_SECONDS (bounded wait to listen, default 90).
# Exit: 0 every run completed, 1 a server could not be started or a run did not finish, 2 usage.

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
ALL="mosquitto paho moquette aedes rabbitmq"
MOQUETTE_VERSION=0.17
AEDES_VERSION=1.2.0
RUNS=${PEERS_RUNS:-3}
CACHE=${PEERS_CACHE:-$root/.cache/peers}
OUT=${PEERS_OUT:-$root/build/peers}
STATE=${PEERS_STATE:-/tmp/mqttconf-peers}
WAIT=${PEERS_START_SECONDS:-90}

say() { echo "peers: $*"; }
die() { echo "peers: $1" >&2; exit "${2:-1}"; }
known() { case " $ALL " in *" $1 "*) return 0 ;; esac; return 1; }

# --- Installing --------------------------------------------------------------------------------------
apt_install() { # PROGRAM PACKAGE...
    command -v "$1" >/dev/null 2>&1 && return 0
    shift
    [ "$(id -u)" = 0 ] || die "$1 is not installed (run as root to install it, or: apt-get install $*)"
    say "installing $* (apt-get)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null || die "apt-get install $* failed"
}

install_server() {
    case $1 in
        mosquitto) apt_install mosquitto mosquitto ;;
        rabbitmq) apt_install rabbitmq-server rabbitmq-server ;;
        paho) command -v python3 >/dev/null 2>&1 || apt_install python3 python3 ;;
        moquette)
            [ -f "$CACHE/moquette/lib/moquette-broker-$MOQUETTE_VERSION.jar" ] && return 0
            command -v mvn >/dev/null 2>&1 || apt_install mvn maven
            mkdir -p "$CACHE/moquette"
            cat > "$CACHE/moquette/pom.xml" <<EOF
<project>
  <modelVersion>4.0.0</modelVersion>
  <groupId>mqttconf.peers</groupId><artifactId>moquette-run</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>io.moquette</groupId><artifactId>moquette-broker</artifactId><version>$MOQUETTE_VERSION</version></dependency>
  </dependencies>
</project>
EOF
            say "fetching Moquette $MOQUETTE_VERSION and its dependencies (Maven) into $CACHE/moquette/lib"
            (cd "$CACHE/moquette" && mvn -q -B dependency:copy-dependencies -DoutputDirectory=lib > mvn.log 2>&1) \
                || { cat "$CACHE/moquette/mvn.log" >&2; die "Maven could not fetch io.moquette:moquette-broker:$MOQUETTE_VERSION"; }
            ;;
        aedes)
            [ -f "$CACHE/aedes/node_modules/aedes/package.json" ] && return 0
            command -v npm >/dev/null 2>&1 || apt_install npm npm
            mkdir -p "$CACHE/aedes"
            say "installing aedes $AEDES_VERSION (npm) into $CACHE/aedes"
            (cd "$CACHE/aedes" && npm install --no-audit --no-fund --silent "aedes@$AEDES_VERSION" >/dev/null) \
                || die "npm could not install aedes@$AEDES_VERSION"
            ;;
    esac
}

# --- Ports -------------------------------------------------------------------------------------------
# free_port COUNT: a port P such that P..P+COUNT-1 are all free on 127.0.0.1.
free_port() {
    python3 - "$1" "${PEERS_PORTS:-}" <<'EOF'
import random, socket, sys
count, span = int(sys.argv[1]), sys.argv[2]
def free(p):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p)); return True
    except OSError:
        return False
    finally:
        s.close()
if span:
    low, high = map(int, span.split("-"))
    starts = list(range(low, high - count + 2)); random.shuffle(starts)
else:
    # Below the kernel's ephemeral range: after a suite run its thousands of client ports sit in TIME_WAIT
    # there, and four free in a row are rare.
    low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
    starts = random.sample(range(10000, low - count), 200)
for p in starts:
    if p + count <= 65536 and all(free(p + i) for i in range(count)):
        print(p); sys.exit(0)
sys.exit(1)
EOF
}

listening() { # PORT
    python3 -c 'import socket,sys; s=socket.socket(); s.settimeout(1); s.connect(("127.0.0.1", int(sys.argv[1])))' "$1" 2>/dev/null
}

# --- Starting and stopping one server ----------------------------------------------------------------
# Each server runs in its own session (setsid), so stopping it ends its children too. Its files live in
# $STATE/NAME: pid (the session leader), log, and whatever configuration it was given.
launch() { # NAME DIR PORT
    name=$1 dir=$2 port=$3
    case $name in
        mosquitto)
            printf 'listener %s 127.0.0.1\nallow_anonymous true\n' "$port" > "$dir/mosquitto.conf"
            setsid mosquitto -c "$dir/mosquitto.conf" > "$dir/log" 2>&1 &
            ;;
        paho)
            printf 'listener %s 127.0.0.1\n' "$port" > "$dir/paho.conf"
            (cd "$PAHO_TESTING/interoperability" && exec setsid python3 startbroker.py -c "$dir/paho.conf") \
                > "$dir/log" 2>&1 &
            ;;
        moquette)
            mkdir -p "$dir/config" "$dir/data"
            printf 'port %s\nhost 127.0.0.1\nwebsocket_port disabled\nallow_anonymous true\npersistence_enabled false\ndata_path %s\n' \
                "$port" "$dir/data" > "$dir/config/moquette.conf"
            # Warnings and errors (a worker's exception among them) go to the log; Moquette ships no log config.
            printf '%s\n' 'log4j.rootLogger=WARN, out' 'log4j.appender.out=org.apache.log4j.ConsoleAppender' \
                'log4j.appender.out.layout=org.apache.log4j.PatternLayout' \
                'log4j.appender.out.layout.ConversionPattern=%d{HH:mm:ss.SSS} %-5p [%t] %c{1} - %m%n' > "$dir/log4j.properties"
            (cd "$dir" && exec setsid java -Dmoquette.path="$dir" -Dlog4j.configuration="file:$dir/log4j.properties" \
                -cp "$CACHE/moquette/lib/*" io.moquette.broker.Server) > "$dir/log" 2>&1 &
            ;;
        aedes)
            # aedes 1.x is an ES module: the start script sits next to a link to the installed node_modules.
            ln -s "$CACHE/aedes/node_modules" "$dir/node_modules"
            cat > "$dir/aedes.mjs" <<'EOF'
import { createServer } from 'node:net'
import { Aedes } from 'aedes'
const port = Number(process.argv[2])
const broker = await Aedes.createBroker()
const server = createServer(broker.handle)
server.listen(port, '127.0.0.1', () => console.log(`aedes listening on 127.0.0.1:${port}`))
process.on('SIGTERM', () => server.close(() => broker.close(() => process.exit(0))))
EOF
            setsid node "$dir/aedes.mjs" "$port" > "$dir/log" 2>&1 &
            ;;
        rabbitmq)
            printf 'loopback_users = none\nlisteners.tcp.1 = 127.0.0.1:%s\nmqtt.listeners.tcp.1 = 127.0.0.1:%s\nmqtt.allow_anonymous = true\n' \
                $((port + 1)) "$port" > "$dir/rabbitmq.conf"
            echo $((port + 3)) > "$dir/epmd-port"
            (cd "$dir" && HOME=$dir RABBITMQ_NODENAME="mqttconf$port@localhost" RABBITMQ_DIST_PORT=$((port + 2)) \
                ERL_EPMD_PORT=$((port + 3)) ERL_EPMD_ADDRESS=127.0.0.1 \
                RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS='-kernel inet_dist_use_interface {127,0,0,1}' \
                RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf" RABBITMQ_MNESIA_BASE="$dir/mnesia" \
                RABBITMQ_LOG_BASE="$dir/logs" RABBITMQ_ENABLED_PLUGINS=rabbitmq_mqtt \
                RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" RABBITMQ_PID_FILE="$dir/beam.pid" \
                exec setsid /usr/lib/rabbitmq/bin/rabbitmq-server) > "$dir/log" 2>&1 &
            ;;
    esac
    echo $! > "$dir/pid"
}

# start NAME PORT: returns 0 once 127.0.0.1:PORT accepts connections, within $WAIT seconds.
start_server() {
    name=$1 port=$2
    dir=$STATE/$name
    [ -f "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null && die "$name is already running (pid $(cat "$dir/pid")); stop it first"
    case $name in
        paho) [ -n "${PAHO_TESTING:-}" ] && [ -f "$PAHO_TESTING/interoperability/startbroker.py" ] \
                  || die "paho needs PAHO_TESTING: a checkout of eclipse/paho.mqtt.testing (interoperability/startbroker.py)" ;;
    esac
    install_server "$name"
    rm -rf "$dir" && mkdir -p "$dir"
    [ "$name" = rabbitmq ] && chmod 755 "$dir"
    launch "$name" "$dir" "$port"
    pid=$(cat "$dir/pid")
    n=0
    while [ $n -lt $((WAIT * 5)) ]; do
        listening "$port" && { echo "$port" > "$dir/port"; return 0; }
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2; n=$((n + 1))
    done
    echo "peers: $name did not listen on 127.0.0.1:$port within ${WAIT}s; its log:" >&2
    tail -20 "$dir/log" >&2
    stop_server "$name"
    return 1
}

# stop NAME: TERM to the server's process group, KILL after 10 s; then rabbitmq's own epmd.
stop_server() {
    dir=$STATE/$1
    [ -f "$dir/pid" ] || return 0
    pid=$(cat "$dir/pid")
    kill -TERM "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
    n=0
    while { kill -0 "-$pid" || kill -0 "$pid"; } 2>/dev/null && [ $n -lt 50 ]; do sleep 0.2; n=$((n + 1)); done
    kill -KILL "-$pid" 2>/dev/null
    if [ -f "$dir/epmd-port" ]; then
        ERL_EPMD_PORT=$(cat "$dir/epmd-port") epmd -kill >/dev/null 2>&1
        rm -f "$dir/epmd-port"
    fi
    rm -f "$dir/pid"
}

version_of() {
    case $1 in
        mosquitto) mosquitto -h 2>/dev/null | head -1 ;;
        paho) echo "Paho test broker $(git -C "$PAHO_TESTING" rev-parse --short HEAD 2>/dev/null || echo '(not a git checkout)')" ;;
        moquette) echo "Moquette $MOQUETTE_VERSION" ;;
        aedes) echo "aedes $(sed -n 's/^[[:space:]]*"version": "\(.*\)",/\1/p' "$CACHE/aedes/node_modules/aedes/package.json" | head -1)" ;;
        rabbitmq) echo "RabbitMQ $(dpkg-query -W -f '${Version}' rabbitmq-server 2>/dev/null) with rabbitmq_mqtt" ;;
    esac
}

# --- The runs ----------------------------------------------------------------------------------------
run_server() { # NAME [mqttconf test options]
    name=$1; shift
    ports=1; [ "$name" = rabbitmq ] && ports=4
    status=0
    i=1
    while [ $i -le "$RUNS" ]; do
        port=$(free_port $ports) || { echo "peers: no free port for $name" >&2; return 1; }
        start_server "$name" "$port" || return 1
        [ $i = 1 ] && say "$(version_of "$name") on 127.0.0.1:$port"
        rm -f "$OUT/$name-run$i.json" "$OUT/$name-run$i.xml"
        # In the background, so that INT/TERM reach the traps at once (they stop the run and the server).
        "$root/bin/mqttconf" test "127.0.0.1:$port" --junit "$OUT/$name-run$i.xml" --json "$OUT/$name-run$i.json" \
            "$@" > "$OUT/$name-run$i.txt" 2>&1 &
        suite=$!
        wait $suite
        code=$?
        suite=
        stop_server "$name"
        cat "$STATE/$name/log" "$STATE/$name"/logs/*.log > "$OUT/$name-run$i.server.log" 2>/dev/null
        say "$name run $i: $(tail -1 "$OUT/$name-run$i.txt") (exit $code)"
        [ -f "$OUT/$name-run$i.json" ] || { echo "peers: $name run $i wrote no result (exit $code)" >&2; status=1; }
        i=$((i + 1))
    done
    return $status
}

case ${1:-} in
    start) [ $# -eq 3 ] && known "$2" || die "usage: peers.sh start NAME PORT (NAME: $ALL)" 2
           start_server "$2" "$3" && say "$2 listening on 127.0.0.1:$3 (pid $(cat "$STATE/$2/pid"), log $STATE/$2/log)"
           exit ;;
    stop) [ $# -eq 2 ] && known "$2" || die "usage: peers.sh stop NAME (NAME: $ALL)" 2
          stop_server "$2"; exit ;;
    install) shift; for s in ${*:-$ALL}; do known "$s" || die "unknown server $s (one of: $ALL)" 2; install_server "$s"; done
             exit ;;
esac

servers=
while [ $# -gt 0 ] && [ "$1" != -- ]; do
    known "$1" || die "unknown server $1 (one of: $ALL)" 2
    servers="$servers $1"; shift
done
[ "${1:-}" = -- ] && shift
servers=${servers:-$ALL}
[ -f "$root/build/mqttconf.jar" ] || die "build/mqttconf.jar missing (run make)" 2
mkdir -p "$OUT"
started=
suite=
trap '[ -n "$suite" ] && kill "$suite" 2>/dev/null; for s in $started; do stop_server "$s"; done' EXIT
trap 'exit 1' INT TERM
status=0
done_servers=
for s in $servers; do
    if [ "$s" = paho ] && [ -z "${PAHO_TESTING:-}" ]; then
        say "skipping paho: set PAHO_TESTING to a checkout of eclipse/paho.mqtt.testing"
        continue
    fi
    started="$started $s"
    run_server "$s" "$@" || status=1
    done_servers="$done_servers $s"
done
python3 "$here/peers-summary.py" "$OUT" "$RUNS" $done_servers | tee "$OUT/summary.txt"
exit $status
