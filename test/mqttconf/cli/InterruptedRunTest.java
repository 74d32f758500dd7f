package mqttconf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import mqttconf.broker.Broker;
import mqttconf.broker.BrokerConfig;
import mqttconf.util.MiniJson;
import mqttconf.suite.Suite;

/**
 * A run stopped halfway (SIGINT or SIGTERM) prints its summary and writes every report for what ran, marked
 * interrupted: through the mode class with the stop hook fired by hand, and in a real process sent the signals.
 */
class InterruptedRunTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Progress lines seen before the stop: the run is well under way and far from its end at --parallel 2. */
    private static final int LINES_BEFORE_STOP = 5;

    /** Counts the lines written through it and opens a latch at the LINES_BEFORE_STOP-th. */
    private static final class Lines extends OutputStream {
        final ByteArrayOutputStream all = new ByteArrayOutputStream();
        final CountDownLatch enough = new CountDownLatch(LINES_BEFORE_STOP);

        @Override
        public synchronized void write(int b) {
            all.write(b);
            if (b == '\n') enough.countDown();
        }

        synchronized String text() {
            return all.toString(StandardCharsets.UTF_8);
        }
    }

    private static List<String> args(int port, Path dir) {
        return List.of("127.0.0.1:" + port, "--parallel", "2", "--junit", dir.resolve("r.xml").toString(),
                "--json", dir.resolve("r.json").toString(), "--html", dir.resolve("r.html").toString());
    }

    @Test
    void theModeStoppedByItsHookPrintsTheSummaryAndWritesEveryReport(@TempDir Path dir) throws Exception {
        try (Broker broker = Broker.start(BrokerConfig.ephemeral());
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            AtomicReference<Thread> hook = new AtomicReference<>();
            TestMode mode = new TestMode(new TestMode.Hooks() {
                @Override
                public void add(Thread h) {
                    hook.set(h);
                }

                @Override
                public void remove(Thread h) {
                }
            });
            Lines out = new Lines();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Future<Integer> code = pool.submit(() -> mode.run(args(broker.port(), dir), new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8)));
            assertTrue(out.enough.await(WAIT.toMillis(), TimeUnit.MILLISECONDS), "no progress: " + out.text());
            Thread stop = hook.get();
            assertNotNull(stop, "the mode registered no stop hook");
            stop.start();
            assertTrue(stop.join(TestMode.STOP_BUDGET.plus(TestMode.REPORT_BUDGET).plusSeconds(5)), "the stop hook never ended");
            assertEquals(TestMode.INTERRUPTED, code.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));

            String printed = out.text();
            assertTrue(printed.lines().anyMatch(l -> l.matches("interrupted: \\d+ of " + Suite.all().size()
                    + " tests ran before the stop \\(SIGINT or SIGTERM\\)")), printed);
            assertTrue(printed.lines().anyMatch(l -> l.matches("\\d+ passed, \\d+ failed, .* against 127\\.0\\.0\\.1:\\d+\\)")), printed);
            String stopLine = err.toString(StandardCharsets.UTF_8);
            assertTrue(stopLine.startsWith("mqttconf test: stopped: cleared "), stopLine);
            assertFalse(stopLine.contains("left on the server"), stopLine);
            assertReportsMarkedInterrupted(dir);
        }
    }

    @Test
    void aRealProcessExitsWith130OnSigintAnd143OnSigtermAfterWritingItsReports(@TempDir Path dir) throws Exception {
        try (Broker broker = Broker.start(BrokerConfig.ephemeral())) {
            for (String signal : List.of("INT", "TERM")) {
                Path d = Files.createDirectory(dir.resolve(signal));
                List<String> command = new ArrayList<>(SIGINT_AT_DEFAULT);
                command.addAll(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp", classes(), "mqttconf.Main", "test"));
                command.addAll(args(broker.port(), d));
                Process p = new ProcessBuilder(command).redirectError(d.resolve("err.txt").toFile()).start();
                try {
                    BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                    StringBuilder printed = new StringBuilder();
                    for (int i = 0; i < LINES_BEFORE_STOP; i++) printed.append(lines.readLine()).append('\n');
                    assertFalse(printed.toString().contains("null"), printed + Files.readString(d.resolve("err.txt")));
                    assertTrue(printed.toString().startsWith("["), printed.toString());
                    Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(p.pid())).start();
                    assertTrue(kill.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS) && kill.exitValue() == 0, "kill -" + signal);
                    StringBuilder restOut = new StringBuilder();
                    for (String l = lines.readLine(); l != null; l = lines.readLine()) restOut.append(l).append('\n');
                    String rest = restOut.toString();
                    assertTrue(p.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS), "still running after SIG" + signal);
                    assertEquals(signal.equals("INT") ? 130 : 143, p.exitValue(), rest);
                    assertTrue(rest.contains("\ninterrupted: "), rest);
                    assertTrue(Files.readString(d.resolve("err.txt")).contains("stopped: cleared"), Files.readString(d.resolve("err.txt")));
                    assertReportsMarkedInterrupted(d);
                } finally {
                    p.destroyForcibly();
                }
            }
        }
    }

    /**
     * The prefix that starts the child with SIGINT at its default action. A background job of a non-interactive
     * shell (a CI step, {@code make test &}) starts with SIGINT ignored, everything it starts inherits that, and a
     * JVM leaves an inherited SIG_IGN alone, as any program run under nohup should: the child would then ignore
     * the SIGINT this test sends and run to its end. GNU env resets it; without GNU env the child runs as it is.
     */
    private static final List<String> SIGINT_AT_DEFAULT = sigintAtDefault();

    private static List<String> sigintAtDefault() {
        List<String> prefix = List.of("env", "--default-signal=INT");
        try {
            Process p = new ProcessBuilder(prefix.get(0), prefix.get(1), "true").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (p.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS) && p.exitValue() == 0) return prefix;
            p.destroyForcibly();
        } catch (IOException e) {
            // no env on the path
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return List.of();
    }

    /** Where mqttconf's classes were loaded from (the launcher's own class path holds only itself). */
    private static String classes() throws Exception {
        return Path.of(mqttconf.Main.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    @SuppressWarnings("unchecked")
    private static void assertReportsMarkedInterrupted(Path dir) throws Exception {
        String xml = Files.readString(dir.resolve("r.xml"));
        SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI)
                .newSchema(InterruptedRunTest.class.getResource("/mqttconf/report/junit-10.xsd")).newValidator()
                .validate(new StreamSource(new StringReader(xml)));
        assertTrue(xml.contains("<property name=\"interrupted\" value=\"true\"/>"), xml);
        Map<String, Object> json = (Map<String, Object>) MiniJson.parse(Files.readString(dir.resolve("r.json")));
        assertEquals(true, json.get("interrupted"));
        assertEquals((long) Suite.all().size(), (long) ((List<Object>) json.get("tests")).size());
        String html = Files.readString(dir.resolve("r.html"));
        assertTrue(html.contains("<b>Interrupted</b>") && html.endsWith("</html>\n"), "html complete and marked");
    }
}
