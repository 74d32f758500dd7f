package mqttconf.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import mqttconf.suite.Runner.Report;
import mqttconf.util.MiniJson;

/** The JUnit XML and JSON reports: well-formed, one entry per test, ids, verdicts and evidence in place. */
class ReportsTest {
    private static final String NASTY = "a<b>&\"c' \u0000\u001f\uD800 é 😀";

    private static TestCase test(String name, String... ids) {
        return TestCase.must(name, List.of(ids), "what it requires", ctx -> { });
    }

    static Report sample() {
        Duration d = Duration.ofMillis(12);
        return new Report(List.of(
                new Result(test("x.pass", "MQTT-3.1.4-4"), Verdict.PASS, d, "", null, null, List.of(), null),
                new Result(test("x.fail", "MQTT-3.3.5-1", "MQTT-3.8.4-6"), Verdict.FAIL, d, "expected QoS 2; observed " + NASTY,
                        "QoS 2", NASTY, List.of(), "     3 ms  sub <- PUBLISH[" + NASTY + "]\n"),
                new Result(test("x.skip", "MQTT-4.7.2-1"), Verdict.SKIP, d, "refused $ topics", null, null, List.of(), null),
                new Result(test("x.observed", "MQTT-3.1.2-5"), Verdict.OBSERVED, d, "queues QoS 0: no", null, null,
                        List.of("queues QoS 0: no"), null),
                new Result(test("x.error", "MQTT-3.12.4-1"), Verdict.ERROR, d, "internal error: boom", null, null, List.of(), "")),
                Duration.ofMillis(1234), List.of());
    }

    @Test
    void junitXmlIsWellFormedWithOneTestcasePerTest() throws Exception {
        String xml = JUnitReport.xml(sample(), "host:1883");
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        Element suite = (Element) doc.getElementsByTagName("testsuite").item(0);
        assertEquals("5", suite.getAttribute("tests"));
        assertEquals("1", suite.getAttribute("failures"));
        assertEquals("1", suite.getAttribute("errors"));
        assertEquals("1", suite.getAttribute("skipped"));
        NodeList cases = doc.getElementsByTagName("testcase");
        assertEquals(5, cases.getLength());
        Element fail = (Element) cases.item(1);
        assertEquals("x.fail [MQTT-3.3.5-1, MQTT-3.8.4-6]", fail.getAttribute("name"));
        String failure = fail.getElementsByTagName("failure").item(0).getTextContent();
        assertTrue(failure.contains("expected: QoS 2"), failure);
        assertTrue(failure.contains("observed: a<b>&\"c'"), failure);
        assertTrue(failure.contains("sub <- PUBLISH["), failure);
        assertTrue(failure.contains("😀"), failure);
        NodeList props = fail.getElementsByTagName("property");
        assertEquals("statement", ((Element) props.item(0)).getAttribute("name"));
        assertEquals("MQTT-3.3.5-1", ((Element) props.item(0)).getAttribute("value"));
        assertEquals(1, ((Element) cases.item(2)).getElementsByTagName("skipped").getLength());
        assertEquals(1, ((Element) cases.item(4)).getElementsByTagName("error").getLength());
        assertTrue(((Element) cases.item(3)).getElementsByTagName("system-out").item(0).getTextContent().contains("queues QoS 0"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void jsonHasNameIdsVerdictDurationAndEvidencePerTest() {
        Map<String, Object> root = (Map<String, Object>) MiniJson.parse(JsonReport.json(sample(), "host:1883"));
        assertEquals("host:1883", root.get("target"));
        assertEquals(1234L, root.get("duration_ms"));
        Map<String, Object> summary = (Map<String, Object>) root.get("summary");
        assertEquals(1L, summary.get("pass"));
        assertEquals(1L, summary.get("fail"));
        List<Map<String, Object>> tests = (List<Map<String, Object>>) root.get("tests");
        assertEquals(5, tests.size());
        Map<String, Object> fail = tests.get(1);
        assertEquals("x.fail", fail.get("name"));
        assertEquals(List.of("MQTT-3.3.5-1", "MQTT-3.8.4-6"), fail.get("statements"));
        assertEquals("FAIL", fail.get("verdict"));
        assertEquals(12L, fail.get("duration_ms"));
        assertEquals(NASTY, fail.get("observed"));
        assertTrue(((String) fail.get("evidence")).contains("PUBLISH["));
    }

    @Test
    void jsonOfAnEmptyRunIsValid() {
        Object root = MiniJson.parse(JsonReport.json(new Report(List.of(), Duration.ZERO, List.of("x")), "h:1"));
        assertTrue(root instanceof Map);
    }

    @Test
    void summaryLineCountsEveryVerdictAndErrorsOnlyWhenPresent() {
        assertEquals("1 passed, 1 failed, 1 observed, 1 skipped, 1 errors", ConsoleReport.summary(sample()));
        Report clean = new Report(sample().results().subList(0, 1), Duration.ZERO, List.of());
        assertEquals("1 passed, 0 failed, 0 observed, 0 skipped", ConsoleReport.summary(clean));
    }

    @Test
    void exitCodeIsOneForAFailureThreeForAnErrorZeroOtherwise() {
        Report all = sample();
        assertEquals(1, TestMode.exitCode(all));
        List<Result> noFail = all.results().stream().filter(r -> r.verdict() != Verdict.FAIL).toList();
        assertEquals(3, TestMode.exitCode(new Report(noFail, Duration.ZERO, List.of())));
        List<Result> fine = noFail.stream().filter(r -> r.verdict() != Verdict.ERROR).toList();
        assertEquals(0, TestMode.exitCode(new Report(fine, Duration.ZERO, List.of())));
    }
}
