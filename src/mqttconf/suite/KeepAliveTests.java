package mqttconf.suite;

import java.time.Duration;
import java.util.List;

/** Keep alive (3.1.2.10, 3.12): the server answers PINGREQ and drops clients that stay silent too long. */
final class KeepAliveTests {
    private KeepAliveTests() {
    }

    /** The keep alive tests wait in silence for seconds: they run in the background of the whole run. */
    static List<TestCase> all() {
        return tests().stream().map(t -> t.scheduled(TestCase.Schedule.BACKGROUND)).toList();
    }

    private static List<TestCase> tests() {
        return List.of(
                // Silent for 1.5 x keep alive: the server MUST disconnect (as a network failure, so the will is
                // published). Closing before 1 x keep alive would cut off a client within its rights. Servers
                // sweep idle connections periodically on whole-second clocks (mosquitto 2.0: every 6 s, so up
                // to ~7 s late), so only a close later than 1.5 x + max(8 s, keep alive) counts as never.
                TestCase.must("keepalive.expiry-closes-and-publishes-will", List.of("MQTT-3.1.2-24", "MQTT-3.1.2-8"),
                        "a client silent for 1.5 x keep alive is disconnected (not before 1 x, not after "
                                + "1.5 x + max(8 s, keep alive)) and its will is published",
                        KeepAliveTests::expiry),
                // How punctual the keep alive timer is: reported, never a failure (expiry above judges it).
                TestCase.may("keepalive.timer-precision", List.of("MQTT-3.1.2-24"),
                        "reports how long after 1.5 x keep alive a silent client is disconnected",
                        KeepAliveTests::precision),
                // A client that sends a packet within every keep alive period MUST NOT be disconnected.
                TestCase.must("keepalive.pingreq-keeps-connection", List.of("MQTT-3.1.2-24", "MQTT-3.12.4-1"),
                        "a client sending PINGREQ every half keep alive stays connected for twice the keep alive",
                        KeepAliveTests::pinging),
                // Every PINGREQ gets a PINGRESP.
                TestCase.must("keepalive.pingreq-answered", List.of("MQTT-3.12.4-1"),
                        "the server answers PINGREQ with PINGRESP",
                        ctx -> ctx.connect("client").settle()));
    }

    /** How long after its last packet a silent client must be gone at the latest: 1.5 x + max(8 s, keep alive). */
    static Duration latest(int keepAlive) {
        return Duration.ofMillis(1500L * keepAlive + 1000L * Math.max(8, keepAlive));
    }

    private static void expiry(Context ctx) throws Exception {
        int keepAlive = ctx.config().keepAliveSeconds();
        String topic = ctx.topic("will");
        Peer watcher = ctx.connect("watcher");
        watcher.subscribe(topic, 1);
        long sent = System.nanoTime();
        Peer silent = ctx.connect("silent", true, c -> WillTests.withWill(c, topic, "keep alive expired", keepAlive));
        long acked = System.nanoTime();
        Duration limit = latest(keepAlive);
        boolean closed = silent.awaitClosed(limit);
        Duration after = Duration.ofNanos(System.nanoTime() - sent);
        if (!closed) {
            throw new TestFailure("the server disconnects a client silent for 1.5 x keep alive " + keepAlive
                    + " s, at the latest " + Runner.seconds(limit) + " after its CONNECT [MQTT-3.1.2-24]",
                    "still connected after " + Runner.seconds(Duration.ofNanos(System.nanoTime() - acked)));
        }
        ctx.require(after.toMillis() >= 1000L * keepAlive, "no disconnect before the keep alive of " + keepAlive
                + " s has passed [MQTT-3.1.2-24]", "disconnected " + after.toMillis() + " ms after CONNECT");
        watcher.expectPublishLate(p -> p.topic().equals(topic),
                "the will message after the keep alive expired [MQTT-3.1.2-8]");
    }

    private static void precision(Context ctx) throws Exception {
        int keepAlive = ctx.config().keepAliveSeconds();
        Peer silent = ctx.connect("silent", true, c -> Context.withKeepAlive(c, keepAlive));
        long acked = System.nanoTime();
        if (!silent.awaitClosed(latest(keepAlive))) {
            ctx.observe("still connected " + Runner.seconds(latest(keepAlive)) + " after CONNECT (keep alive "
                    + keepAlive + " s)");
            return;
        }
        double s = (System.nanoTime() - acked) / 1e9;
        ctx.observe(String.format("disconnected %.1f s after CONNECT at keep alive %d s: %+.1f s from 1.5 x keep alive",
                s, keepAlive, s - 1.5 * keepAlive));
    }

    private static void pinging(Context ctx) throws Exception {
        int keepAlive = ctx.config().keepAliveSeconds();
        Peer p = ctx.connect("client", true, c -> Context.withKeepAlive(c, keepAlive));
        long end = System.nanoTime() + 2_000_000_000L * keepAlive;
        Duration half = Duration.ofMillis(500L * keepAlive);
        while (System.nanoTime() < end) {
            // Waiting for a close is the pause between pings; a close now is the failure.
            if (p.awaitClosed(half)) {
                throw new TestFailure("the connection stays open while the client sends PINGREQ every "
                        + Runner.seconds(half) + " [MQTT-3.1.2-24]", "closed by the server");
            }
            p.settle();
        }
    }
}
