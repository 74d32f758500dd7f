package mqttconf.suite;

import java.time.Duration;
import java.util.List;

/** Keep alive (3.1.2.10, 3.12): the server answers PINGREQ and drops clients that stay silent too long. */
final class KeepAliveTests {
    /**
     * Extra time a server may take past 1.5 × keep alive: many servers keep time in whole seconds and check once a
     * second (mosquitto 2.0 closes a 2 s keep alive 3 to 5 s after the last packet).
     */
    static final Duration TOLERANCE = Duration.ofSeconds(2);

    private KeepAliveTests() {
    }

    static List<TestCase> all() {
        return List.of(
                // Silent for 1.5 × keep alive: the server MUST disconnect (as a network failure, so the will is
                // published). Closing before 1 × keep alive would cut off a client within its rights [MQTT-3.1.2-23].
                TestCase.must("keepalive.expiry-closes-and-publishes-will", List.of("MQTT-3.1.2-24", "MQTT-3.1.2-8"),
                        "a client silent for 1.5 x keep alive is disconnected (not before 1 x) and its will is published",
                        KeepAliveTests::expiry),
                // Every PINGREQ gets a PINGRESP.
                TestCase.must("keepalive.pingreq-answered", List.of("MQTT-3.12.4-1"),
                        "the server answers PINGREQ with PINGRESP",
                        ctx -> ctx.connect("client").settle()));
    }

    private static void expiry(Context ctx) throws Exception {
        int keepAlive = ctx.config().keepAliveSeconds();
        String topic = ctx.topic("will");
        Peer watcher = ctx.connect("watcher");
        watcher.subscribe(topic, 1);
        long sent = System.nanoTime();
        Peer silent = ctx.connect("silent", true, c -> WillTests.withWill(c, topic, "keep alive expired", keepAlive));
        Duration limit = Duration.ofMillis(1500L * keepAlive).plus(TOLERANCE);
        boolean closed = silent.awaitClosed(limit.minusNanos(System.nanoTime() - sent));
        Duration after = Duration.ofNanos(System.nanoTime() - sent);
        if (!closed) {
            // Late: wait as long again, to tell a late server from one that never disconnects.
            boolean late = silent.awaitClosed(limit);
            Duration end = Duration.ofNanos(System.nanoTime() - sent);
            throw new TestFailure("the server disconnects within 1.5 x keep alive " + keepAlive + " s (+"
                    + Runner.seconds(TOLERANCE) + " tolerance) [MQTT-3.1.2-24]", "still connected after "
                    + Runner.seconds(limit) + (late ? String.format("; disconnected after %.1f s", end.toMillis() / 1000.0)
                    : "; still connected after " + Runner.seconds(end)));
        }
        ctx.require(after.toMillis() >= 1000L * keepAlive, "no disconnect before the keep alive of " + keepAlive
                + " s has passed [MQTT-3.1.2-24]", "disconnected " + after.toMillis() + " ms after CONNECT");
        watcher.expectPublish(p -> p.topic().equals(topic),
                "the will message after the keep alive expired [MQTT-3.1.2-8]");
        ctx.observe(String.format("disconnected after %.1f s (keep alive %d s)", after.toMillis() / 1000.0, keepAlive));
    }
}
