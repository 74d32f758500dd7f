package mqttconf.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import mqttconf.broker.Broker;
import mqttconf.broker.BrokerConfig;
import mqttconf.broker.BrokerLog;
import mqttconf.report.BrokerReport;
import mqttconf.report.OutputPaths;
import mqttconf.spec.Coverage;
import mqttconf.tls.PemException;
import mqttconf.util.Reasons;

/** {@code mqttconf broker}: runs the test broker until SIGINT or SIGTERM, then prints statement coverage. */
public final class BrokerMode implements Mode {
    @Override
    public String name() {
        return "broker";
    }

    @Override
    public String summary() {
        return "run an MQTT 3.1.1 test broker that counts the statements it exercises";
    }

    @Override
    public String usage() {
        return """
                usage: mqttconf broker [-c FILE] [--port N] [--bind ADDR] [OPTIONS] [--run CMD [ARGS...]]

                Runs an MQTT 3.1.1 broker for testing clients, with the optional behaviours
                and test topics of Paho's test broker. It checks every client obligation it
                can see on the wire and records each breach against the client id. On SIGINT
                or SIGTERM it prints "coverage statements N out of M = P%" with the server
                statement ids it exercised (found) and did not (not found), then a line per
                client id and a line per breach. It then exits 0, or 1 when a client breached
                an obligation.

                --run CMD [ARGS...] (last; everything after it is the command) starts the
                broker on a free port (or the one given), runs CMD with MQTT_HOST and
                MQTT_PORT in its environment (and MQTT_TLS_PORT, MQTT_WS_PORT, MQTT_WSS_PORT
                when those listeners are open), stops the broker when CMD ends, prints and
                writes the reports, and exits: 1 when a client breached an obligation, else
                the exit code of CMD (0 when it succeeded); 2 when CMD cannot be started.
                SIGINT or SIGTERM stops CMD and the broker and exits by the same rule.

                  -p, --port N                     TCP port (default 1883; 0 picks a free one)
                      --bind ADDR                  address to listen on (default 127.0.0.1;
                                                   --bind 0.0.0.0 listens on all interfaces)
                      --publish-on-pubrel BOOL     deliver incoming QoS 2 on PUBREL (true, default)
                                                   or on PUBLISH (false)
                      --overlapping-single BOOL    one copy at the highest QoS when several of a
                                                   client's subscriptions match (true, default),
                                                   or one copy per matching subscription (false)
                      --drop-qos0 BOOL             drop QoS 0 messages for disconnected persistent
                                                   sessions (true, default) or queue them (false)
                      --zero-length-clientids BOOL accept a zero-length client id with clean
                                                   session 1 and assign one (true, default)
                      --max-packet-size N          largest packet accepted, in bytes (default 268435460:
                                                   any the standard allows, as mosquitto); a larger
                                                   one closes the connection, logged as this
                                                   broker's limit, never as the client's breach
                      --strict                     close the connection on every client breach, also
                                                   on those a server may tolerate (default: record
                                                   them and keep going)
                      --ack-timeout SECONDS        a PUBLISH or PUBREL the client has not answered,
                                                   or a PUBREC it has not followed with PUBREL, after
                                                   this long is a breach (default 10)
                      --allow-anonymous BOOL       accept clients without a user name (true, default)
                      --password-file FILE         check user names and passwords against FILE, in
                                                   mosquitto_passwd's format ($7$ and $6$ hashes) or
                                                   plain "user:password" lines; refused clients get
                                                   CONNACK 0x05 and are closed, as with mosquitto 2.0
                      --max-connections N          close new connections at once while N are open
                                                   (default 10000; -1 for no limit)
                      --connect-timeout SECONDS    close a connection that has not sent CONNECT after
                                                   this long (default 10; fractions allowed)
                      --packet-timeout SECONDS     close a connection whose packet is not whole this
                                                   long after its first byte, whatever its keep alive
                                                   (default 60; fractions allowed)
                      --close-wait SECONDS         after DISCONNECT, wait this long for the client to
                                                   close its connection (default 60; fractions
                                                   allowed); a client that closes late breaks no
                                                   rule, one still open then is closed and recorded
                                                   as a breach of [MQTT-3.14.4-1]
                      --max-output-bytes N         disconnect a client that leaves more than N bytes
                                                   unread (default 269484036: the largest packet
                                                   and 1 MiB); its session is kept
                      --max-queued-messages N      messages an offline persistent session holds
                                                   (default 1000; 0 for no limit); beyond it QoS 0
                                                   messages are dropped first, with a log line
                      --backlog N                  connections the system queues per listener before
                                                   the broker accepts them (default 4096; the system
                                                   may cap it, on Linux at net.core.somaxconn)
                  -v, --verbose                    log every packet in and out
                  -c, --config FILE                read settings from FILE first (flags win): lines
                                                   "listener PORT [ADDR]" or "KEY VALUE" with a flag
                                                   name as KEY (e.g. "drop-qos0 false", also
                                                   mosquitto's "allow_anonymous false",
                                                   "password_file FILE", "max_connections N",
                                                   "max_queued_messages N"); # comments.
                                                   After a listener line, as in mosquitto: "protocol
                                                   websockets", "certfile", "keyfile", "cafile" and
                                                   "require_certificate true" make it a WebSocket and/or
                                                   TLS listener; the first plain one is the MQTT port.
                                                   As in mosquitto, a file with listener lines opens only
                                                   those: no plain MQTT port unless one is listed, or a
                                                   port is set ("port N" or --port). mosquitto's
                                                   allow_zero_length_clientid, queue_qos0_messages and
                                                   bind_address map to ours; its other keys (persistence,
                                                   log_dest, acl_file, bridges, ...) are warned about once
                                                   and ignored (the README lists what we do instead); a
                                                   key neither knows is an error
                      --tls-port N                 also serve MQTT over TLS on port N (needs --certfile
                                                   and --keyfile)
                      --ws-port N                  also serve MQTT over WebSocket on port N (any path;
                                                   the client must offer the subprotocol "mqtt")
                      --wss-port N                 also serve MQTT over WebSocket over TLS on port N
                      --certfile FILE              server certificate chain, PEM (leaf first)
                      --keyfile FILE               its private key, PEM: PKCS#8 (RSA, EC) or PKCS#1 RSA
                      --cafile FILE                CA certificates, PEM: ask TLS clients for a
                                                   certificate signed by one of them
                      --require-certificate BOOL   refuse TLS clients without such a certificate
                                                   (default false; needs --cafile)
                      --coverage-file FILE         on stop and on request, write the report to FILE:
                                                   .txt (the lines printed on stop), .tsv, .json or
                                                   .html (one self-contained page); repeatable

                Test topics (as in Paho): subscribing to "test/nosubscribe" is refused
                with 0x80; "test/QoS 0 only" and "test/QoS 1 only" grant at most QoS 0 and 1.
                Topics under "mqttconf/exercise/" drive a client through its harder paths
                (see the README). Subscribing to "$SYS/mqttconf/report" brings the report
                lines as one message and writes the --coverage-file files.

                examples:
                  mqttconf broker
                  mqttconf broker --port 1884 --bind 0.0.0.0 --publish-on-pubrel false
                  mqttconf broker -c broker.conf --coverage-file report.html --coverage-file report.json
                  mqttconf broker --ws-port 8080 --tls-port 8883 --certfile server.crt --keyfile server.key
                  mqttconf broker --coverage-file report.html --run python3 -m pytest tests/

                Throwaway certificates for trying TLS: mqttconf certs DIR
                """;
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        int at = args.indexOf("--run");
        List<String> command = at < 0 ? List.of() : args.subList(at + 1, args.size());
        if (at >= 0 && command.isEmpty()) throw new UsageException("--run needs a command to run");
        BrokerOptions.Parsed options = BrokerOptions.parse(at < 0 ? args : args.subList(0, at), at >= 0);
        options.warnings().forEach(w -> err.println("mqttconf broker: " + w));
        BrokerConfig config = options.config();
        String unwritable = OutputPaths.problem(options.coverageFiles().stream()
                .map(f -> new OutputPaths.Output("--coverage-file", f.toString())).toList());
        if (unwritable != null) {
            err.println("mqttconf broker: " + unwritable);
            return Exit.USAGE;
        }
        Coverage coverage = new Coverage();
        Broker broker;
        try {
            broker = Broker.startOn(options.listeners(), config, BrokerLog.to(out), coverage);
        } catch (IOException e) {
            err.println("mqttconf broker: " + e.getMessage());
            return Exit.USAGE;
        } catch (PemException e) {
            err.println("mqttconf broker: " + e.getMessage());
            return Exit.USAGE;
        }
        broker.onReportRequest(() -> {
            BrokerReport report = new BrokerReport(coverage, broker.clients(), args);
            Thread.ofVirtual().name("mqttconf-report").start(() -> write(report, options.coverageFiles(), out, err));
            return report.text();
        });
        AtomicBoolean reported = new AtomicBoolean();
        Runnable stop = () -> {
            if (!reported.compareAndSet(false, true)) return;
            broker.close();
            BrokerReport report = new BrokerReport(coverage, broker.clients(), args);
            out.print(report.text());
            write(report, options.coverageFiles(), out, err);
        };
        if (!command.isEmpty()) return new BrokerRun(broker, command, out, err).run(stop);
        // On SIGINT or SIGTERM the exit code says whether a client breached an obligation.
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stop.run();
                out.flush();
                Runtime.getRuntime().halt(BrokerRun.breaches(broker) > 0 ? Exit.FAILURES : Exit.OK);
            }, "mqttconf-broker-stop"));
        } catch (IllegalStateException shuttingDown) {
            // The signal came while the broker was starting: the JVM is already exiting with the signal's status
            // (this return value is never used); stop and print the report as the hook would.
            stop.run();
            return BrokerRun.breaches(broker) > 0 ? Exit.FAILURES : Exit.OK;
        }
        try {
            broker.awaitStop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stop.run();
        return Exit.OK;
    }

    private static synchronized void write(BrokerReport report, List<Path> files, PrintStream out, PrintStream err) {
        for (Path file : files) {
            try {
                Files.writeString(file, report.render(file.toString()), StandardCharsets.UTF_8);
                out.println("report written to " + file);
            } catch (IOException e) {
                err.println("mqttconf broker: cannot write " + file + ": " + Reasons.of(e));
            }
        }
        out.flush();
    }
}
