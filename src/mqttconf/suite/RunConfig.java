package mqttconf.suite;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

import mqttconf.client.Dialer;
import mqttconf.client.WebSocketDialer;

/**
 * Everything a run needs to know about the target and how to behave towards it.
 *
 * @param clientIdPrefix starts every client id of the run; with the test key and role it stays within the
 *                       23 alphanumeric characters every server must accept [MQTT-3.1.3-5]
 * @param topicPrefix    starts every topic of the run, so runs never see each other's traffic
 * @param keepAliveSeconds keep alive used by the keep alive tests
 * @param nosubscribeFilter a filter the server refuses, for the optional subscribe failure test; null when not given
 * @param parallel       how many tests run at once
 * @param trace          receives every packet in and out (--verbose); null for none
 * @param dialer         how connections reach the server: TCP, TLS, WebSocket
 * @param lateWait       how long to wait for what the standard sets no deadline for (a close, a re-send after
 *                       reconnecting); servers commonly close an unfinished handshake after 10 s
 */
public record RunConfig(String host, int port, Duration timeout, String clientIdPrefix, String topicPrefix,
                        String username, byte[] password, int keepAliveSeconds, String nosubscribeFilter,
                        int parallel, Consumer<String> trace, Dialer dialer, Duration lateWait) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);
    public static final int DEFAULT_KEEP_ALIVE = 2;
    public static final int DEFAULT_PARALLEL = 16;
    public static final Duration DEFAULT_LATE_WAIT = Duration.ofSeconds(12);
    private static final String ALNUM = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    public RunConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(clientIdPrefix, "clientIdPrefix");
        Objects.requireNonNull(topicPrefix, "topicPrefix");
        Objects.requireNonNull(dialer, "dialer");
        Objects.requireNonNull(lateWait, "lateWait");
    }

    /** A configuration with a fresh run token and defaults for everything else. */
    public static RunConfig defaults(String host, int port) {
        String token = runToken();
        return new RunConfig(host, port, DEFAULT_TIMEOUT, "mqc" + token, "mqttconf/" + token + "/", null, null,
                DEFAULT_KEEP_ALIVE, null, DEFAULT_PARALLEL, null, Dialer.tcp(), DEFAULT_LATE_WAIT);
    }

    /** Six random alphanumeric characters: what makes this run's client ids and topics its own. */
    public static String runToken() {
        SecureRandom r = new SecureRandom();
        StringBuilder s = new StringBuilder(6);
        for (int i = 0; i < 6; i++) s.append(ALNUM.charAt(r.nextInt(ALNUM.length())));
        return s.toString();
    }

    public RunConfig withTimeout(Duration t) {
        return new RunConfig(host, port, t, clientIdPrefix, topicPrefix, username, password, keepAliveSeconds,
                nosubscribeFilter, parallel, trace, dialer, lateWait);
    }

    public RunConfig withPrefixes(String clientIds, String topics) {
        return new RunConfig(host, port, timeout, clientIds, topics, username, password, keepAliveSeconds,
                nosubscribeFilter, parallel, trace, dialer, lateWait);
    }

    public RunConfig withCredentials(String user, byte[] pass) {
        return new RunConfig(host, port, timeout, clientIdPrefix, topicPrefix, user, pass, keepAliveSeconds,
                nosubscribeFilter, parallel, trace, dialer, lateWait);
    }

    public RunConfig withOptions(int keepAlive, String nosubscribe, int par, Consumer<String> tr) {
        return new RunConfig(host, port, timeout, clientIdPrefix, topicPrefix, username, password, keepAlive,
                nosubscribe, par, tr, dialer, lateWait);
    }

    public RunConfig withDialer(Dialer d) {
        return new RunConfig(host, port, timeout, clientIdPrefix, topicPrefix, username, password, keepAliveSeconds,
                nosubscribeFilter, parallel, trace, d, lateWait);
    }

    public RunConfig withLateWait(Duration w) {
        return new RunConfig(host, port, timeout, clientIdPrefix, topicPrefix, username, password, keepAliveSeconds,
                nosubscribeFilter, parallel, trace, dialer, w);
    }

    /** {@code host:port}, with brackets around an IPv6 address; as a URL for TLS and WebSocket. */
    public String target() {
        String hostPort = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        return switch (dialer) {
            case WebSocketDialer ws -> ws.scheme() + "://" + hostPort + ws.path();
            case Dialer.Tls t -> "ssl://" + hostPort;
            default -> hostPort;
        };
    }
}
