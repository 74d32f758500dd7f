package mqttconf.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import mqttconf.broker.Broker;
import mqttconf.broker.BrokerConfig;
import mqttconf.cli.Exit;

/** loss stopped by Ctrl-C (its shutdown hook calls interrupt), and two runs at once against one server. */
@Timeout(60)
class LossInterruptTest {

    private static String text(ByteArrayOutputStream b) {
        return b.toString(StandardCharsets.UTF_8);
    }

    /** The broker's session count once it settles at {@code want} (a DISCONNECT is processed after the socket closes), bounded. */
    private static int sessionsSettling(Broker broker, int want) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        int n;
        while ((n = broker.stats(Duration.ofSeconds(5)).sessions()) != want && System.nanoTime() < deadline) Thread.sleep(20);
        return n;
    }

    @Test
    void anInterruptedRunReportsWhatRanWritesJsonAndRemovesItsSessions(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("loss.json");
        try (Broker broker = Broker.start(BrokerConfig.ephemeral())) {
            LossMode.Settings s = LossMode.parse(List.of("--seed", "5", "--seconds", "60", "--rate", "100",
                    "--publishers", "1", "--subscribers", "1", "--json", json.toString(), "127.0.0.1:" + broker.port()));
            LossRun run = new LossRun(s);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            AtomicInteger code = new AtomicInteger(-1);
            Thread t = Thread.ofPlatform().start(() -> code.set(LossMode.run(run, s,
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()))));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!text(out).contains(" publishing  sent ") && System.nanoTime() < deadline) Thread.sleep(10);
            String start = text(out);
            assertTrue(start.startsWith("loss 127.0.0.1:" + broker.port() + ": seed 5, run " + s.runId() + "\n"
                    + "re-run: mqttconf loss --publishers 1 --subscribers 1 --qos both --messages 1000 --rate 100 "
                    + "--seconds 60 --drain-seconds 10 --cut-interval-ms 200 --seed 5 --json " + json + " 127.0.0.1:"
                    + broker.port() + "\n"), start);
            run.interrupt();
            t.join(Duration.ofSeconds(30));
            String all = text(out);
            assertEquals(Exit.INTERRUPTED, code.get(), all);
            assertTrue(all.contains("result: interrupted"), all);
            assertTrue(Files.readString(json).contains("\"interrupted\":true"), Files.readString(json));
            assertEquals(0, sessionsSettling(broker, 0), "sessions left: " + all);
        }
    }

    @Test
    void twoRunsAtOnceAgainstOneServerDoNotCollide() throws Exception {
        try (Broker broker = Broker.start(BrokerConfig.ephemeral())) {
            List<String> args = List.of("--seed", "9", "--messages", "60", "--rate", "300", "--cut-interval-ms", "50",
                    "--drain-seconds", "5", "--publishers", "1", "--subscribers", "1", "127.0.0.1:" + broker.port());
            LossMode.Settings a = LossMode.parse(args);
            LossMode.Settings b = LossMode.parse(args);
            assertTrue(!a.runId().equals(b.runId()), "each run has its own token");
            ByteArrayOutputStream outA = new ByteArrayOutputStream();
            ByteArrayOutputStream outB = new ByteArrayOutputStream();
            AtomicInteger codeB = new AtomicInteger(-1);
            Thread t = Thread.ofPlatform().start(() -> codeB.set(LossMode.run(new LossRun(b), b,
                    new PrintStream(outB, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()))));
            int codeA = LossMode.run(new LossRun(a), a, new PrintStream(outA, true, StandardCharsets.UTF_8),
                    new PrintStream(new ByteArrayOutputStream()));
            t.join(Duration.ofSeconds(40));
            assertEquals(Exit.OK, codeA, text(outA));
            assertEquals(Exit.OK, codeB.get(), text(outB));
            assertTrue(text(outA).contains("result: perfect") && text(outB).contains("result: perfect"));
            assertEquals(0, sessionsSettling(broker, 0));
        }
    }
}
