package mqttconf.cli;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import mqttconf.auth.PasswordFile;
import mqttconf.auth.PasswordFileException;
import mqttconf.broker.Access;
import mqttconf.broker.BrokerConfig;

/**
 * The settings that guard the broker, as flags and as {@code -c} file keys: who gets in and the resource limits.
 * The file keys are mosquitto's where it has them ({@code allow_anonymous}, {@code password_file},
 * {@code max_connections} with -1 for no limit, {@code max_queued_messages} with 0 for no limit).
 */
final class GuardOptions {
    static final List<String> KEYS = List.of("allow-anonymous", "password-file", "max-connections", "connect-timeout",
            "packet-timeout", "max-output-bytes", "max-queued-messages", "backlog", "close-wait");

    private GuardOptions() {
    }

    /** {@code config} with {@code key} set to {@code value}; a bad value is one sentence naming {@code where}. */
    static BrokerConfig set(BrokerConfig config, String key, String value, String where) {
        Access access = config.access();
        return switch (key) {
            case "allow-anonymous" -> config.withAccess(new Access(BrokerOptions.bool(value, where), access.passwords()));
            case "password-file" -> config.withAccess(new Access(access.allowAnonymous(), load(value)));
            case "max-connections" -> {
                int n = Args.parseInt(where, value, -1, Integer.MAX_VALUE);
                if (n == 0) throw new UsageException(where + " must be at least 1 (or -1 for no limit), not 0");
                yield config.withMaxConnections(n == -1 ? Integer.MAX_VALUE : n);
            }
            case "connect-timeout" -> config.withConnectTimeout(seconds(value, where));
            case "packet-timeout" -> config.withPacketTimeout(seconds(value, where));
            case "close-wait" -> config.withCloseWait(seconds(value, where));
            case "max-output-bytes" -> config.withMaxOutputBytes(Args.parseInt(where, value, 1024, Integer.MAX_VALUE));
            case "max-queued-messages" -> {
                int n = Args.parseInt(where, value, 0, Integer.MAX_VALUE);
                yield config.withMaxQueuedMessages(n == 0 ? Integer.MAX_VALUE : n);
            }
            case "backlog" -> config.withBacklog(Args.parseInt(where, value, 1, 1_000_000));
            default -> throw new IllegalArgumentException("no setting " + key);
        };
    }

    private static PasswordFile load(String file) {
        try {
            return PasswordFile.load(Path.of(file));
        } catch (PasswordFileException e) {
            throw new UsageException("password file " + e.getMessage());
        }
    }

    /** Seconds, fractions allowed ({@code 0.5}), from 1 ms to a day. */
    private static Duration seconds(String value, String where) {
        try {
            long ms = new BigDecimal(value.strip()).movePointRight(3).longValueExact();
            if (ms >= 1 && ms <= 86_400_000L) return Duration.ofMillis(ms);
        } catch (NumberFormatException | ArithmeticException e) {
            // the sentence below says what is wanted
        }
        throw new UsageException(where + " must be seconds from 0.001 to 86400, not '" + value + "'");
    }
}
