package mqttconf.broker;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One port the broker listens on and what it speaks there: MQTT over TCP, TLS, WebSocket, or WebSocket over TLS.
 *
 * @param port       TCP port; 0 picks a free one
 * @param bind       address to listen on
 * @param websockets MQTT inside WebSocket binary frames (chapter 6) rather than directly on the stream
 * @param tls        certificate and key for TLS; null for none
 */
public record ListenerConfig(int port, String bind, boolean websockets, Tls tls) {
    /**
     * PEM files for a TLS listener.
     *
     * @param cafile             trust anchors for client certificates; null when clients are not asked for one
     * @param requireCertificate refuse clients that present no certificate signed by {@code cafile}
     */
    public record Tls(Path certfile, Path keyfile, Path cafile, boolean requireCertificate) {
        public Tls {
            Objects.requireNonNull(certfile, "certfile");
            Objects.requireNonNull(keyfile, "keyfile");
            if (requireCertificate && cafile == null) {
                throw new IllegalArgumentException("require_certificate true needs a cafile to check client certificates against");
            }
        }
    }

    public ListenerConfig {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port " + port + " out of range");
        if (bind == null || bind.isBlank()) throw new IllegalArgumentException("empty bind address");
    }

    public static ListenerConfig tcp(int port, String bind) {
        return new ListenerConfig(port, bind, false, null);
    }

    /** {@code tcp}, {@code tls}, {@code ws} or {@code wss}: the URL scheme a client would use. */
    public String scheme() {
        if (tls == null) return websockets ? "ws" : "tcp";
        return websockets ? "wss" : "tls";
    }

    /** What the startup log says about client certificates, or "" without TLS. */
    public String clientCertificates() {
        if (tls == null) return "";
        if (tls.cafile() == null) return " (no client certificates asked for)";
        return tls.requireCertificate() ? " (client certificate required)" : " (client certificate optional)";
    }

    /** How the startup log names what this listener speaks. */
    public String describe() {
        String what = switch (scheme()) {
            case "tls" -> "MQTT over TLS";
            case "ws" -> "MQTT over WebSocket";
            case "wss" -> "MQTT over WebSocket over TLS";
            default -> "MQTT";
        };
        return what;
    }
}
