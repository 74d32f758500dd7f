package mqttconf.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

import javax.net.ssl.SSLContext;

import mqttconf.client.Dialer;
import mqttconf.tls.PemException;
import mqttconf.tls.TlsContexts;

/**
 * The transport of a test run, from the target and the TLS options: {@code host:port} or {@code tcp://} (plain),
 * {@code ssl://}, {@code mqtts://} or {@code --tls} (TLS), {@code ws://host:port/path} and {@code wss://} (WebSocket,
 * path {@code /mqtt} unless given). Shared by test and bench mode, which take the same TLS options.
 */
public final class Transports {
    /** A target split into its parts; {@code scheme} is lower case, {@code path} empty when none was given. */
    public record Target(String scheme, String hostPort, String path) {
        public boolean tls() {
            return scheme.equals("ssl") || scheme.equals("wss");
        }

        public boolean websocket() {
            return scheme.equals("ws") || scheme.equals("wss");
        }

        public int defaultPort() {
            return switch (scheme) {
                case "ssl" -> 8883;
                case "ws" -> 80;
                case "wss" -> 443;
                default -> 1883;
            };
        }
    }

    private Transports() {
    }

    /** Splits {@code target}; {@code --tls} turns tcp into ssl and ws into wss. */
    public static Target target(String target, boolean tlsFlag) {
        String scheme = "tcp";
        String rest = target;
        int sep = target.indexOf("://");
        if (sep >= 0) {
            scheme = switch (target.substring(0, sep).toLowerCase(Locale.ROOT)) {
                case "tcp", "mqtt" -> "tcp";
                case "ssl", "tls", "mqtts" -> "ssl";
                case "ws" -> "ws";
                case "wss" -> "wss";
                default -> throw new UsageException("unknown scheme in '" + target + "' (tcp, mqtt, ssl, mqtts, ws, wss)");
            };
            rest = target.substring(sep + 3);
        }
        int slash = rest.indexOf('/');
        String path = slash < 0 ? "" : rest.substring(slash);
        String hostPort = slash < 0 ? rest : rest.substring(0, slash);
        if (tlsFlag && scheme.equals("tcp")) scheme = "ssl";
        if (tlsFlag && scheme.equals("ws")) scheme = "wss";
        Target t = new Target(scheme, hostPort, path);
        if (!path.isEmpty() && !t.websocket()) throw new UsageException("a path ('" + path + "') only goes with ws:// or wss://");
        return t;
    }

    /** The dialer for {@code t}; says loudly when certificates go unchecked. */
    public static Dialer dialer(Target t, Args a, PrintStream out) {
        boolean insecure = a.has("insecure");
        if (!t.tls() && (a.has("cafile") || a.has("cert") || a.has("key") || insecure)) {
            throw new UsageException("--cafile, --cert, --key and --insecure need TLS: ssl://, wss:// or --tls");
        }
        if (a.has("cert") != a.has("key")) throw new UsageException("--cert and --key go together");
        Dialer d = Dialer.tcp();
        if (t.tls()) {
            SSLContext context;
            try {
                context = TlsContexts.client(a.value("cafile").map(Path::of).orElse(null),
                        a.value("cert").map(Path::of).orElse(null), a.value("key").map(Path::of).orElse(null), insecure);
            } catch (PemException e) {
                throw new UsageException(e.getMessage());
            }
            if (insecure) {
                out.println("WARNING: --insecure: the server's certificate and host name are NOT verified; "
                        + "anyone on the path can read and change this run");
            }
            d = Dialer.tls(context, !insecure);
        }
        return t.websocket() ? Dialer.websocket(d, t.path().isEmpty() ? "/mqtt" : t.path()) : d;
    }
}
