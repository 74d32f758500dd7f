package mqttconf.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import mqttconf.broker.BrokerConfig;
import mqttconf.broker.ListenerConfig;


/**
 * The TLS and WebSocket listeners of the broker, from flags ({@code --tls-port}, {@code --ws-port},
 * {@code --wss-port} with {@code --certfile}, {@code --keyfile}, {@code --cafile}, {@code --require-certificate})
 * and from config file blocks as mosquitto writes them: a {@code listener PORT [ADDR]} line, then its
 * {@code protocol websockets}, {@code certfile}, {@code keyfile}, {@code cafile}, {@code require_certificate}.
 * As with mosquitto, a file that has listener blocks lists every listener: its first plain MQTT block is the
 * broker's main port, and there is no plain port unless the file declares one (or a {@code port} is set).
 */
final class ListenerOptions {
    static final List<String> FLAGS = List.of("tls-port", "ws-port", "wss-port", "certfile", "keyfile", "cafile",
            "require-certificate");
    static final List<String> BLOCK_KEYS = List.of("protocol", "certfile", "keyfile", "cafile", "require-certificate");

    private static final class Block {
        final String where;
        final int port;
        final String bind;
        boolean websockets;
        Path certfile;
        Path keyfile;
        Path cafile;
        boolean requireCertificate;

        Block(String where, int port, String bind) {
            this.where = where;
            this.port = port;
            this.bind = bind;
        }

        boolean plain() {
            return !websockets && certfile == null && keyfile == null;
        }
    }

    private final List<Block> blocks = new ArrayList<>();

    /** A {@code listener PORT [ADDR]} line: the keys after it apply to this listener. */
    void listener(String value, String where) {
        String[] parts = value.split("\\s+");
        if (value.isEmpty() || parts.length > 2) throw new UsageException(where + " needs PORT [ADDRESS]");
        blocks.add(new Block(where, Args.parseInt(where, parts[0], 0, 65535), parts.length == 2 ? parts[1] : null));
    }

    /** A key of {@link #BLOCK_KEYS} in a config file. */
    void set(String key, String value, String where) {
        if (blocks.isEmpty()) throw new UsageException(where + " must follow a 'listener PORT [ADDR]' line");
        Block b = blocks.get(blocks.size() - 1);
        if (value.isEmpty()) throw new UsageException(where + " needs a value");
        switch (key) {
            case "protocol" -> b.websockets = switch (value.toLowerCase(Locale.ROOT)) {
                case "websockets" -> true;
                case "mqtt" -> false;
                default -> throw new UsageException(where + " must be mqtt or websockets, not '" + value + "'");
            };
            case "certfile" -> b.certfile = Path.of(value);
            case "keyfile" -> b.keyfile = Path.of(value);
            case "cafile" -> b.cafile = Path.of(value);
            case "require-certificate" -> b.requireCertificate = BrokerOptions.bool(value, where);
            default -> throw new IllegalArgumentException("no listener setting " + key);
        }
    }

    /** The port and address of the first plain MQTT block of the file, or null: the broker's main port. */
    String[] mainListener() {
        for (Block b : blocks) {
            if (b.plain()) return new String[] {String.valueOf(b.port), b.bind};
        }
        return null;
    }

    /** Whether the file had any {@code listener} line. */
    boolean declared() {
        return !blocks.isEmpty();
    }

    /**
     * Every listener, in startup order: the main plain port of {@code config} when {@code plain}, the other file
     * blocks, then those of flags on {@code config.bind()}.
     */
    List<ListenerConfig> all(Args a, BrokerConfig config, boolean plain) {
        String bind = config.bind();
        List<ListenerConfig> out = new ArrayList<>();
        if (plain) out.add(ListenerConfig.tcp(config.port(), bind));
        boolean mainSeen = false;
        for (Block b : blocks) {
            if (b.plain() && !mainSeen) {
                mainSeen = true;
                continue;
            }
            out.add(build(b.where, b.port, b.bind == null ? bind : b.bind, b.websockets, b.certfile, b.keyfile,
                    b.cafile, b.requireCertificate));
        }
        Path cert = a.value("certfile").map(Path::of).orElse(null);
        Path key = a.value("keyfile").map(Path::of).orElse(null);
        Path ca = a.value("cafile").map(Path::of).orElse(null);
        boolean require = a.has("require-certificate") && BrokerOptions.bool(a.value("require-certificate", ""), "--require-certificate");
        boolean tlsFlags = a.has("tls-port") || a.has("wss-port");
        if (!tlsFlags && (cert != null || key != null || ca != null || a.has("require-certificate"))) {
            throw new UsageException("--certfile, --keyfile, --cafile and --require-certificate apply to --tls-port and --wss-port; neither was given");
        }
        for (String v : a.values("tls-port")) {
            out.add(build("--tls-port", Args.parseInt("--tls-port", v, 0, 65535), bind, false, cert, key, ca, require));
        }
        for (String v : a.values("ws-port")) {
            out.add(build("--ws-port", Args.parseInt("--ws-port", v, 0, 65535), bind, true, null, null, null, false));
        }
        for (String v : a.values("wss-port")) {
            out.add(build("--wss-port", Args.parseInt("--wss-port", v, 0, 65535), bind, true, cert, key, ca, require));
        }
        return out;
    }

    private static ListenerConfig build(String where, int port, String bind, boolean websockets, Path cert, Path key,
                                        Path ca, boolean require) {
        boolean tls = cert != null || key != null || ca != null || require;
        if (where.equals("--tls-port") || where.equals("--wss-port")) tls = true;
        if (!tls) return new ListenerConfig(port, bind, websockets, null);
        if (cert == null || key == null) {
            throw new UsageException(where + ": a TLS listener needs both certfile and keyfile (PEM)");
        }
        try {
            return new ListenerConfig(port, bind, websockets, new ListenerConfig.Tls(cert, key, ca, require));
        } catch (IllegalArgumentException e) {
            throw new UsageException(where + ": " + e.getMessage());
        }
    }
}
