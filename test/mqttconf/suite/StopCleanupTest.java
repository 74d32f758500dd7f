package mqttconf.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import mqttconf.broker.Broker;
import mqttconf.broker.BrokerConfig;
import mqttconf.client.TestClient;
import mqttconf.codec.Packet;
import mqttconf.codec.Packet.ConnAck;
import mqttconf.codec.Packet.Connect;
import mqttconf.codec.Packet.PingReq;
import mqttconf.codec.Packet.PingResp;
import mqttconf.codec.Packet.SubAck;
import mqttconf.codec.Packet.Subscribe;
import mqttconf.codec.Packet.Subscription;
import mqttconf.suite.Runner.Report;
import mqttconf.cli.TestMode;

/**
 * What the shutdown hook of test mode does on Ctrl-C, run directly (no signal): a run stopped halfway starts no
 * more tests, and the retained message and the session it had created are gone from the server.
 */
class StopCleanupTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void aStoppedRunRemovesWhatItLeftAndStartsNothingMore() throws Exception {
        try (Broker broker = Broker.start(BrokerConfig.ephemeral())) {
            RunConfig config = RunConfig.defaults("127.0.0.1", broker.port()).withTimeout(WAIT).withOptions(1, null, 1, null);
            CountDownLatch leftSomething = new CountDownLatch(1);
            String[] made = new String[2];
            TestCase halfway = TestCase.must("stop.halfway", List.of("MQTT-3.3.1-5"), "leaves a retained message and a session", ctx -> {
                made[0] = ctx.topic("r");
                Peer p = ctx.connect("kept", false, c -> c);
                made[1] = p.clientId();
                p.publishRetained(made[0], "left by an interrupted run", 1);
                leftSomething.countDown();
                // Waits until the stop takes its connection away (or WAIT, if it never comes).
                p.expect(PingResp.class, x -> true, "the connection closed by the stop [MQTT-3.3.1-5]");
            });
            TestCase never = TestCase.must("stop.never-started", List.of("MQTT-3.3.1-5"), "must not start", ctx -> ctx.connect("x"));
            Runner runner = new Runner(config, r -> { });
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Report report;
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                Future<Report> run = pool.submit(() -> runner.run(List.of(halfway, never)));
                assertTrue(leftSomething.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), "the first test never published");
                long start = System.nanoTime();
                TestMode.stopHook(runner, new PrintStream(err, true, StandardCharsets.UTF_8)).run();
                assertTrue(System.nanoTime() - start < TestMode.STOP_BUDGET.plusSeconds(1).toNanos(), "stop overran its budget");
                report = run.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
            assertEquals("mqttconf test: stopped: cleared 1 of 1 retained topics and removed 1 of 1 sessions this run "
                    + "created\n", err.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"));
            assertEquals(List.of("SKIP stopped while running", "SKIP not started: the run was stopped"),
                    report.results().stream().map(r -> r.verdict() + " " + r.summary()).toList());

            try (TestClient c = TestClient.open("127.0.0.1", broker.port(), WAIT, "check")) {
                c.send(Connect.of(made[1], false, 60));
                ConnAck ack = c.await(ConnAck.class, WAIT);
                assertNotNull(ack);
                assertFalse(ack.sessionPresent(), "the session of " + made[1] + " is gone");
                c.send(new Subscribe(1, List.of(new Subscription(made[0], 1))));
                assertNotNull(c.await(SubAck.class, WAIT));
                c.send(new PingReq());
                List<Packet> before = new ArrayList<>();
                assertNotNull(c.await(PingResp.class, x -> true, WAIT, before));
                assertEquals(List.of(), before, "no retained message left on " + made[0]);
            }
            assertNull(runner.stop(TestMode.STOP_BUDGET), "a finished run has nothing to stop");
        }
    }
}
