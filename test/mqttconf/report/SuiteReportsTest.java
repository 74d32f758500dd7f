package mqttconf.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import mqttconf.broker.Broker;
import mqttconf.broker.BrokerConfig;
import mqttconf.cli.Run;
import mqttconf.report.OutputPaths.Output;
import mqttconf.suite.Deviation;
import mqttconf.suite.Result;
import mqttconf.suite.RootCause;
import mqttconf.suite.Runner.Report;
import mqttconf.suite.ServerEvent;
import mqttconf.suite.TestCase;
import mqttconf.suite.Verdict;
import mqttconf.util.MiniJson;

/**
 * The test-mode reports (JUnit XML, JSON, console, HTML) on hand-built runs holding every verdict, deviations,
 * root causes and server events. junit-10.xsd is Jenkins xunit's schema (jenkinsci/xunit-plugin, MIT, notice
 * inside the file), its strictest JUnit reader.
 */
class SuiteReportsTest {
    private static final String NASTY = "a<b>&\"c' \u0000\u001f\uD800 é 😀";

    private static TestCase test(String name, String... ids) {
        return TestCase.must(name, List.of(ids), "what it requires", ctx -> { });
    }

    static Report sample() {
        Duration d = Duration.ofMillis(12);
        List<Result> results = List.of(
                new Result(test("connect.pass", "MQTT-3.1.4-4"), Verdict.PASS, d, "", null, null, List.of(), null),
                new Result(test("publish.fail", "MQTT-3.3.5-1", "MQTT-3.8.4-6"), Verdict.FAIL, d, "expected QoS 2; observed " + NASTY,
                        "QoS 2", NASTY, List.of(), "     3 ms  sub <- PUBLISH[" + NASTY + "]\n",
                        List.of(new Deviation("MQTT-3.8.4-6", "QoS 2", NASTY), new Deviation("MQTT-3.3.1-1", "DUP 1", "DUP 0"))),
                new Result(test("topics.skip", "MQTT-4.7.2-1"), Verdict.SKIP, d, "refused $ topics", null, null, List.of(), null),
                new Result(test("session.observed", "MQTT-3.1.2-5"), Verdict.OBSERVED, d, "queues QoS 0: no", null, null,
                        List.of("queues QoS 0: no"), null),
                new Result(test("ping.error", "MQTT-3.12.4-1"), Verdict.ERROR, d, "internal error: boom", null, null, List.of(), "  1 ms x\n"),
                new Result(test("qos.down", "MQTT-4.3.3-2"), Verdict.NOT_SERVING, d, "no CONNACK", null, null, List.of(), null),
                new Result(test("subscribe.flaky", "MQTT-3.8.4-1"), Verdict.INTERMITTENT, d, "no SUBACK within 3 s; passed alone",
                        null, null, List.of(), null));
        return new Report(results, Duration.ofMillis(1234), List.of(),
                List.of(new RootCause("MQTT-3.8.4-6", "grants QoS 1 for QoS 2", List.of("publish.fail"), "sub <- SUBACK[1]"),
                        new RootCause("", "answers no client after a half packet", List.of("qos.down"), "")),
                List.of(new ServerEvent("no CONNACK for 5 s", "malformed.half-packet", "30 7f 00", true, Duration.ofMillis(5200))));
    }

    static RunInfo info(String target, boolean interrupted) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("timeout", "3 s");
        settings.put("topic-prefix", NASTY);
        return new RunInfo(target, Instant.parse("2026-12-02T01:40:00Z"), "ci-host", "0.1.0", settings, interrupted);
    }

    static Document parse(String xml) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    static void validate(String xml) throws Exception {
        SchemaFactory f = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
        f.newSchema(SuiteReportsTest.class.getResource("junit-10.xsd")).newValidator()
                .validate(new StreamSource(new StringReader(xml)));
    }

    @Test
    void junitValidatesAgainstJenkinsXunitSchema() throws Exception {
        validate(JUnitReport.xml(sample(), info("host:1883", false)));
        validate(JUnitReport.xml(sample(), info("host:1883", true)));
        validate(JUnitReport.xml(new Report(List.of(), Duration.ZERO, List.of("x")), info("h:1", false)));
    }

    @Test
    void junitNamesAreTheTestsOwnWithTheChapterAsClassAndTheTargetAsProperty() throws Exception {
        Document doc = parse(JUnitReport.xml(sample(), info("host:1883", false)));
        Element suite = (Element) doc.getElementsByTagName("testsuite").item(0);
        assertEquals("mqttconf", suite.getAttribute("name"));
        assertEquals("7", suite.getAttribute("tests"));
        assertEquals("1", suite.getAttribute("failures"));
        assertEquals("1", suite.getAttribute("errors"));
        assertEquals("3", suite.getAttribute("skipped"), "SKIP, NOT_SERVING and INTERMITTENT");
        assertEquals("2026-12-02T01:40:00", suite.getAttribute("timestamp"));
        assertEquals("ci-host", suite.getAttribute("hostname"));
        assertEquals("1.234", suite.getAttribute("time"));
        assertEquals("host:1883", property(suite, "target"));
        assertEquals("false", property(suite, "interrupted"));
        assertEquals(NASTY.replace("\u0000", "\uFFFD").replace("\u001f", "\uFFFD").replace("\uD800", "\uFFFD"),
                property(suite, "topic-prefix"));
        NodeList cases = doc.getElementsByTagName("testcase");
        assertEquals(7, cases.getLength());
        Element pass = (Element) cases.item(0);
        assertEquals("connect.pass", pass.getAttribute("name"));
        assertEquals("mqttconf.CONNECT", pass.getAttribute("classname"));
        assertEquals("0.012", pass.getAttribute("time"));
        assertTrue(text(pass, "system-out").startsWith("statements: MQTT-3.1.4-4\n"), text(pass, "system-out"));
        Element fail = (Element) cases.item(1);
        assertEquals("publish.fail", fail.getAttribute("name"));
        assertEquals("mqttconf.PUBLISH", fail.getAttribute("classname"));
        Element failure = (Element) fail.getElementsByTagName("failure").item(0);
        assertTrue(failure.getAttribute("message").startsWith("[MQTT-3.8.4-6, MQTT-3.3.1-1] expected QoS 2"),
                failure.getAttribute("message"));
        assertTrue(failure.getTextContent().contains("[MQTT-3.3.1-1] expected: DUP 1\n  observed: DUP 0"), failure.getTextContent());
        assertTrue(failure.getTextContent().contains("sub <- PUBLISH["), failure.getTextContent());
        assertTrue(failure.getTextContent().contains("😀"), failure.getTextContent());
        assertEquals("SKIP", ((Element) ((Element) cases.item(2)).getElementsByTagName("skipped").item(0)).getAttribute("type"));
        assertEquals(1, ((Element) cases.item(4)).getElementsByTagName("error").getLength());
        for (int i : new int[] {5, 6}) {
            Element c = (Element) cases.item(i);
            assertEquals(0, c.getElementsByTagName("failure").getLength(), "never a failure: " + c.getAttribute("name"));
            Element skipped = (Element) c.getElementsByTagName("skipped").item(0);
            assertEquals(i == 5 ? "NOT_SERVING" : "INTERMITTENT", skipped.getAttribute("type"));
        }
        for (int i = 0; i < cases.getLength(); i++) {
            String cls = ((Element) cases.item(i)).getAttribute("classname");
            assertTrue(cls.matches("mqttconf\\.[A-Za-z]+"), cls);
        }
        String suiteOut = suite.getElementsByTagName("system-out").item(suite.getElementsByTagName("system-out").getLength() - 1)
                .getTextContent();
        assertTrue(suiteOut.contains("deviation [MQTT-3.8.4-6] grants QoS 1 for QoS 2 (1 test: publish.fail)"), suiteOut);
        assertTrue(suiteOut.contains("server event: no CONNACK for 5 s; after malformed.half-packet sent 30 7f 00"), suiteOut);
    }

    private static String property(Element suite, String name) {
        NodeList props = suite.getElementsByTagName("property");
        for (int i = 0; i < props.getLength(); i++) {
            Element p = (Element) props.item(i);
            if (p.getAttribute("name").equals(name)) return p.getAttribute("value");
        }
        return null;
    }

    private static String text(Element e, String tag) {
        return e.getElementsByTagName(tag).item(0).getTextContent();
    }

    @Test
    @SuppressWarnings("unchecked")
    void jsonCarriesTheRunTheRootCausesTheEventsAndEachTestsDeviations() {
        Map<String, Object> root = (Map<String, Object>) MiniJson.parse(JsonReport.json(sample(), info("host:1883", true)));
        assertEquals("host:1883", root.get("target"));
        assertEquals("2026-12-02T01:40:00Z", root.get("started"));
        assertEquals(true, root.get("interrupted"));
        assertEquals("3 s", ((Map<String, Object>) root.get("settings")).get("timeout"));
        assertEquals(1234L, root.get("duration_ms"));
        Map<String, Object> summary = (Map<String, Object>) root.get("summary");
        assertEquals(1L, summary.get("fail"));
        assertEquals(1L, summary.get("not_serving"));
        assertEquals(1L, summary.get("intermittent"));
        Map<String, Object> cause = ((List<Map<String, Object>>) root.get("root_causes")).get(0);
        assertEquals("MQTT-3.8.4-6", cause.get("statement"));
        assertEquals(List.of("publish.fail"), cause.get("tests"));
        Map<String, Object> event = ((List<Map<String, Object>>) root.get("events")).get(0);
        assertEquals(5200L, event.get("down_ms"));
        assertEquals(true, event.get("recovered"));
        List<Map<String, Object>> tests = (List<Map<String, Object>>) root.get("tests");
        assertEquals(7, tests.size());
        Map<String, Object> fail = tests.get(1);
        assertEquals("publish.fail", fail.get("name"));
        assertEquals(List.of("MQTT-3.3.5-1", "MQTT-3.8.4-6"), fail.get("statements"));
        assertEquals(List.of("MQTT-3.8.4-6", "MQTT-3.3.1-1"), fail.get("failed_statements"));
        assertEquals("DUP 0", ((List<Map<String, Object>>) fail.get("deviations")).get(1).get("observed"));
        assertEquals(NASTY, fail.get("observed"));
        assertTrue(((String) fail.get("evidence")).contains("PUBLISH["));
        assertTrue(MiniJson.parse(JsonReport.json(new Report(List.of(), Duration.ZERO, List.of("x")), info("h:1", false))) instanceof Map);
    }

    private static String console(ConsoleReport.Detail detail, Report report, RunInfo run) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(b, true, StandardCharsets.UTF_8);
        ConsoleReport c = new ConsoleReport(out, detail, report.results().size());
        for (Result r : report.results()) c.progress(r);
        c.finish(report, run);
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    void consoleIsALinePerTestThenChaptersDeviationsAndCountsWithoutTrailingBlanks() {
        String text = console(ConsoleReport.Detail.NORMAL, sample(), info("host:1883", false));
        List<String> lines = text.lines().toList();
        for (String l : lines) assertEquals(l.stripTrailing(), l, "trailing blank in '" + l + "'");
        assertEquals(7, lines.stream().filter(l -> l.startsWith("[")).count(), text);
        assertTrue(lines.contains("[2/7] FAIL     publish.fail (12 ms) [MQTT-3.8.4-6, MQTT-3.3.1-1] expected QoS 2; observed "
                + "a<b>&\"c' \uFFFD\uFFFD\uFFFD é 😀"), text);
        assertEquals(1, lines.stream().filter(l -> l.contains("publish.fail (12 ms)")).count(), "each test printed once");
        assertTrue(lines.stream().anyMatch(l -> l.matches("3\\.1 CONNECT +1 passed, 1 observed")), text);
        assertTrue(lines.stream().anyMatch(l -> l.matches("3\\.3 PUBLISH +1 failed")), text);
        assertTrue(lines.contains("  [MQTT-3.8.4-6] grants QoS 1 for QoS 2: 1 test (publish.fail)"), text);
        assertTrue(lines.contains("  (no statement) answers no client after a half packet: 1 test (qos.down)"), text);
        assertTrue(lines.contains("server stopped serving: no CONNACK for 5 s; after malformed.half-packet sent 30 7f 00; "
                + "serving again after 5.2 s"), text);
        assertTrue(lines.contains("  ping.error: internal error: boom"), text);
        assertEquals("1 passed, 1 failed, 1 observed, 1 skipped, 1 errors, 1 not serving, 1 intermittent (1.2 s against host:1883)",
                lines.get(lines.size() - 1));
        assertFalse(text.contains("what it requires"), "no full table without --verbose");

        String verbose = console(ConsoleReport.Detail.VERBOSE, sample(), info("host:1883", true));
        for (String l : verbose.lines().toList()) assertEquals(l.stripTrailing(), l, "trailing blank in '" + l + "'");
        assertTrue(verbose.contains("\n3.3 PUBLISH\n  FAIL     publish.fail"), verbose);
        assertTrue(verbose.contains("interrupted: 7 of 7 tests ran before the stop (SIGINT or SIGTERM)\n"), verbose);

        String quiet = console(ConsoleReport.Detail.QUIET, sample(), info("host:1883", false));
        assertEquals(2, quiet.lines().filter(l -> l.startsWith("[")).count(), quiet);
    }

    @Test
    void summaryLineNamesErrorsAndTheNewVerdictsOnlyWhenPresent() {
        Report clean = new Report(sample().results().subList(0, 1), Duration.ZERO, List.of());
        assertEquals("1 passed, 0 failed, 0 observed, 0 skipped", ConsoleReport.summary(clean));
    }

    @Test
    void htmlIsSelfContainedDeviationsFirstLinksResolveAndFailPacketsFolded() {
        String html = SuiteHtmlReport.html(sample(), info("host:1883", true));
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertFalse(Pattern.compile("(src|href)=\"(?!#)").matcher(html).find(), "only in-page links and no external assets");
        assertFalse(html.contains("url("), "no external assets in CSS");
        assertTrue(html.contains("mqttconf test report: host:1883"));
        assertTrue(html.contains("2026-12-02"), "the date");
        assertTrue(html.contains("0.1.0"), "the version");
        assertTrue(html.contains("<b>Interrupted</b>"));
        int deviations = html.indexOf("Distinct deviations (2)");
        assertTrue(deviations > 0 && deviations < html.indexOf("id=\"ch-3.1\""), "deviations before the chapters");
        assertTrue(html.indexOf("id=\"ch-3.3\"") < html.indexOf("id=\"ch-3.12\""), "chapters in numeric order");
        Matcher m = Pattern.compile("href=\"#([^\"]+)\"").matcher(html);
        int links = 0;
        while (m.find()) {
            links++;
            assertTrue(html.contains("id=\"" + m.group(1) + "\""), "link to a missing anchor #" + m.group(1));
        }
        assertTrue(links > 8, "ids and tests are linked");
        assertTrue(html.contains("<dt id=\"MQTT-3.8.4-6\">"), "statement text on the page");
        assertTrue(html.contains("<details><summary>packets (1 line)</summary><pre>     3 ms  sub &lt;- PUBLISH[a&lt;b&gt;&amp;"), html);
        assertFalse(html.contains("<b>") && html.contains("a<b>&"), "text escaped");
        assertTrue(StandardCharsets.UTF_8.newEncoder().canEncode(html), "no lone surrogate: the page can be written as UTF-8");
    }

    @Test
    void outputPathsAreCheckedWithoutWritingAnything(@TempDir Path dir) throws Exception {
        assertNull(OutputPaths.problem(List.of(new Output("--junit", dir.resolve("r.xml").toString()),
                new Output("--json", dir.resolve("r.json").toString()))));
        assertEquals(List.of(), listing(dir), "nothing written by the check");
        assertEquals("--junit /nonexistent/dir/r.xml: no directory /nonexistent/dir",
                OutputPaths.problem(List.of(new Output("--junit", "/nonexistent/dir/r.xml"))));
        assertEquals("--html " + dir + ": is a directory", OutputPaths.problem(List.of(new Output("--html", dir.toString()))));
        String same = dir.resolve("r.xml").toString();
        assertEquals("--json " + same + ": the same file as --junit " + same,
                OutputPaths.problem(List.of(new Output("--junit", same), new Output("--json", same))));
    }

    private static List<Path> listing(Path dir) throws Exception {
        try (var s = Files.list(dir)) {
            return new ArrayList<>(s.toList());
        }
    }

    @Test
    void twoRunsAgainstTwoPortsGiveTheSameTestNamesAndAValidFile(@TempDir Path dir) throws Exception {
        List<List<String>> names = new ArrayList<>();
        List<String> targets = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            try (Broker broker = Broker.start(BrokerConfig.ephemeral())) {
                Path file = dir.resolve("run" + run + ".xml");
                Run r = Run.main("test", "127.0.0.1:" + broker.port(), "--quiet", "--only", "connect.*", "--junit", file.toString());
                assertEquals(0, r.code(), r.out() + r.err());
                String xml = Files.readString(file);
                validate(xml);
                Document doc = parse(xml);
                NodeList cases = doc.getElementsByTagName("testcase");
                List<String> these = new ArrayList<>();
                for (int i = 0; i < cases.getLength(); i++) {
                    Element c = (Element) cases.item(i);
                    these.add(c.getAttribute("classname") + " " + c.getAttribute("name"));
                }
                names.add(these);
                targets.add(property((Element) doc.getElementsByTagName("testsuite").item(0), "target"));
            }
        }
        assertTrue(names.get(0).size() > 3, names.get(0).toString());
        assertEquals(names.get(0), names.get(1));
        assertFalse(targets.get(0).equals(targets.get(1)), "the ports differ: " + targets);
        assertFalse(names.get(0).toString().contains("MQTT-") || names.get(0).toString().contains("127.0.0.1"), names.get(0).toString());
    }
}
