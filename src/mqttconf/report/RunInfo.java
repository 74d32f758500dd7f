package mqttconf.report;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import mqttconf.util.Version;

/**
 * What a test-mode report says about the run besides its results: the target, when it started and where, the
 * mqttconf version, the settings that shape the verdicts (in their order), and whether Ctrl-C (SIGINT or SIGTERM) cut it short.
 */
public record RunInfo(String target, Instant started, String hostname, String version, Map<String, String> settings,
                      boolean interrupted) {
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z");

    public RunInfo {
        settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /** A run starting now on this host, with this jar's version. */
    public static RunInfo now(String target, Map<String, String> settings) {
        return new RunInfo(target, Instant.now(), localHostName(), Version.current(), settings, false);
    }

    public RunInfo interrupted(boolean yes) {
        return new RunInfo(target, started, hostname, version, settings, yes);
    }

    /** The start in the local time zone with its name, for people: {@code 2026-12-02 01:40:00 UTC}. */
    public String startedLocal() {
        return LOCAL.format(started.atZone(ZoneId.systemDefault()));
    }

    /** The name of this host; {@code localhost} when it has none that resolves. */
    static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException | SecurityException e) {
            return "localhost";
        }
    }
}
