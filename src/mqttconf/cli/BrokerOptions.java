package mqttconf.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import mqttconf.broker.BrokerConfig;
import mqttconf.broker.ListenerConfig;
import mqttconf.codec.Decoder;
import mqttconf.util.Reasons;

/**
 * The broker's settings from a mosquitto-style config file ({@code -c FILE}) and then from flags, which win.
 * A file line is {@code key value} with the flag's name as key ({@code drop-qos0 false}; {@code _} may stand for
 * {@code -}), plus {@code listener PORT [ADDR]}; {@code #} starts a comment. Without listener lines the plain
 * MQTT port always opens; with them, only if one is plain or a port is set ({@code port} key, {@code --port}).
 */
final class BrokerOptions {
    /** Settings that take a value, as flags ({@code --port}) and as file keys ({@code port}). */
    static final List<String> KEYS = Stream.concat(Stream.of("port", "bind", "publish-on-pubrel", "overlapping-single",
            "drop-qos0", "zero-length-clientids", "max-packet-size", "coverage-file", "ack-timeout"),
            GuardOptions.KEYS.stream()).toList();
    /** Report file extensions {@code --coverage-file} accepts. */
    static final List<String> REPORT_FORMATS = List.of(".txt", ".tsv", ".json", ".html");

    /** What the mode runs with: the report files asked for (possibly none), in order; every listener. */
    record Parsed(BrokerConfig config, List<Path> coverageFiles, List<ListenerConfig> listeners, List<String> warnings) { }

    private BrokerConfig config = BrokerConfig.defaults();
    private final List<Path> coverageFiles = new ArrayList<>();
    private final ListenerOptions listeners = new ListenerOptions();
    /** One line per mosquitto key of the file that the broker ignores, the first time it appears. */
    private final Map<String, String> warnings = new LinkedHashMap<>();
    private boolean portSet;

    private BrokerOptions() {
    }

    static Parsed parse(List<String> args) {
        return parse(args, false);
    }

    /** With {@code freePort}, a plain port neither a flag nor the file set is 0: a free one ({@code --run}). */
    static Parsed parse(List<String> args, boolean freePort) {
        Args.Parser parser = new Args.Parser().option("config", 'c').flag("verbose", 'v').flag("strict");
        for (String key : KEYS) {
            if (key.equals("port")) parser.option(key, 'p');
            else parser.option(key);
        }
        ListenerOptions.FLAGS.forEach(parser::option);
        Args a = parser.parse(args);
        a.rejectPositional();
        BrokerOptions o = new BrokerOptions();
        if (a.has("config")) o.readFile(Path.of(a.value("config", "")));
        for (String key : KEYS) {
            for (String v : a.values(key)) o.set(key, v, "--" + key);
        }
        if (a.has("verbose")) o.config = o.config.withVerbose(true);
        if (a.has("strict")) o.config = o.config.withStrict(true);
        if (freePort && !o.portSet) o.config = o.config.withPort(0);
        boolean plain = !o.listeners.declared() || o.portSet;
        return new Parsed(o.config, List.copyOf(o.coverageFiles), o.listeners.all(a, o.config, plain),
                List.copyOf(o.warnings.values()));
    }

    private void readFile(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UsageException("cannot read config file " + file + ": " + Reasons.of(e));
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] words = line.split("\\s+", 2);
            String key = words[0].toLowerCase(Locale.ROOT).replace('_', '-');
            String value = words.length > 1 ? words[1].strip() : "";
            String where = file + " line " + (i + 1) + ": " + words[0];
            if (key.equals("listener")) {
                listeners.listener(value, where);
            } else if (ListenerOptions.BLOCK_KEYS.contains(key)) {
                listeners.set(key, value, where);
            } else if (key.equals("verbose")) {
                config = config.withVerbose(bool(value, where));
            } else if (key.equals("strict")) {
                config = config.withStrict(bool(value, where));
            } else if (KEYS.contains(key)) {
                if (value.isEmpty()) throw new UsageException(where + " needs a value");
                set(key, value, where);
            } else if (key.equals("allow-zero-length-clientid")) {
                set("zero-length-clientids", value, where);
            } else if (key.equals("queue-qos0-messages")) {
                config = config.withDropQos0(!bool(value, where));
            } else if (key.equals("bind-address")) {
                set("bind", value, where);
            } else if (MosquittoKeys.instead(key).isPresent()) {
                warnings.putIfAbsent(key, where + " (mosquitto) is not implemented and ignored: "
                        + MosquittoKeys.instead(key).get());
            } else {
                throw new UsageException(where + " is not a setting of mqttconf or mosquitto");
            }
        }
        String[] main = listeners.mainListener();
        if (main != null) {
            set("port", main[0], file + ": listener");
            if (main[1] != null) set("bind", main[1], file + ": listener");
        }
    }

    private void set(String key, String value, String where) {
        config = switch (key) {
            case "port" -> {
                portSet = true;
                yield config.withPort(Args.parseInt(where, value, 0, 65535));
            }
            case "bind" -> config.withBind(value);
            case "publish-on-pubrel" -> config.withPublishOnPubrel(bool(value, where));
            case "overlapping-single" -> config.withOverlappingSingle(bool(value, where));
            case "drop-qos0" -> config.withDropQos0(bool(value, where));
            case "zero-length-clientids" -> config.withZeroLengthClientIds(bool(value, where));
            case "max-packet-size" -> config.withMaxPacketSize(Args.parseInt(where, value, 2, Decoder.MAX_PACKET_SIZE));
            case "coverage-file" -> {
                if (REPORT_FORMATS.stream().noneMatch(value::endsWith))
                    throw new UsageException(where + " must name a .txt, .tsv, .json or .html file, not '" + value + "'");
                coverageFiles.add(Path.of(value));
                yield config;
            }
            case "ack-timeout" -> config.withAckTimeout(Duration.ofSeconds(Args.parseInt(where, value, 1, 86_400)));
            default -> GuardOptions.set(config, key, value, where);
        };
    }

    static boolean bool(String value, String where) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new UsageException(where + " must be true or false, not '" + value + "'");
        };
    }
}
