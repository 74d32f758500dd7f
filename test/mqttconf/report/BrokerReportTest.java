package mqttconf.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import mqttconf.broker.Broker;
import mqttconf.broker.BrokerConfig;
import mqttconf.cli.Run;
import mqttconf.client.TestClient;
import mqttconf.codec.ByteNotation;
import mqttconf.codec.Packet.*;
import mqttconf.spec.AppliesTo;
import mqttconf.spec.Statements;
import mqttconf.util.MiniJson;

/** One breach in every format: text lines, TSV rows, JSON evidence, and the HTML page. */
class BrokerReportTest {
    private static final Duration T = Duration.ofSeconds(3);

    private static BrokerReport reportWithOneBreach() throws Exception {
        try (Broker broker = Broker.start(BrokerConfig.ephemeral());
             TestClient c = TestClient.open("127.0.0.1", broker.port(), T, "r")) {
            c.send(Connect.of("lib<1>", true, 0));
            c.receive(T);
            c.sendRaw(ByteNotation.parse("38 r* u'a/b' 'x'"));
            c.send(new PingReq());
            c.await(PingResp.class, T);
            return new BrokerReport(broker.coverage(), broker.clients());
        }
    }

    @Test
    void everyFormatCarriesTheBreachWithItsEvidence() throws Exception {
        BrokerReport r = reportWithOneBreach();
        String text = r.text();
        assertTrue(text.startsWith("coverage statements "), text);
        assertTrue(text.contains("client lib<1>: connections 1, obligations checked "), text);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("breach lib<1> MQTT-3.3.1-2 ")
                && l.endsWith("| 38 06 00 03 61 2f 62 78")), text);

        assertTrue(r.tsv().lines().anyMatch(l -> l.startsWith("client:lib<1>\tMQTT-3.3.1-2\tboth\t")
                && l.endsWith("\tQoS 0 PUBLISH with DUP=1")), r.tsv());
        // A row per server statement and one per client obligation ("both" statements in each), and the header.
        long serverRows = Statements.all().stream().filter(s -> s.appliesTo() != AppliesTo.CLIENT).count();
        long clientRows = Statements.all().stream().filter(s -> s.appliesTo() != AppliesTo.SERVER).count();
        assertEquals(1 + serverRows + clientRows, r.tsv().lines().filter(l -> !l.startsWith("client:")).count());
        assertTrue(r.tsv().lines().anyMatch(l -> l.equals("clients\tMQTT-3.3.1-2\tboth\t1\t1\t")), r.tsv());

        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) MiniJson.parse(r.json());
        @SuppressWarnings("unchecked")
        Map<String, Object> client = (Map<String, Object>) ((List<Object>) json.get("clients")).get(0);
        assertEquals("lib<1>", client.get("client_id"));
        @SuppressWarnings("unchecked")
        Map<String, Object> evidence = (Map<String, Object>) ((List<Object>) client.get("evidence")).get(0);
        assertEquals("MQTT-3.3.1-2", evidence.get("id"));
        assertEquals("38 06 00 03 61 2f 62 78", evidence.get("hex"));

        String html = r.render("report.html");
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(html.contains("lib&lt;1&gt;") && !html.contains("lib<1>"), "client ids escaped");
        assertTrue(!html.contains("http://") && !html.contains("https://") && !html.contains("<script"), "self-contained");
        assertEquals(Statements.size(), html.split("class=\"st ").length - 1, "every statement shown");
        assertTrue(html.contains("<div class=\"st breached\" id=\"MQTT-3.3.1-2\">"), "breached statement marked");
    }

    @Test
    void htmlPutsTheStatementsFirstLinksEveryIdAndNamesVersionCommandLineAndZone() throws Exception {
        String html;
        try (Broker broker = Broker.start(BrokerConfig.ephemeral())) {
            for (int i = 0; i <= HtmlReport.CLIENTS_UNFOLDED; i++) {
                try (TestClient c = TestClient.open("127.0.0.1", broker.port(), T, "r")) {
                    c.send(Connect.of("lib" + i, true, 0));
                    c.receive(T);
                    if (i == 0) c.sendRaw(ByteNotation.parse("38 r* u'a/b' 'x'"));
                    c.send(new PingReq());
                    c.await(PingResp.class, T);
                }
            }
            html = new BrokerReport(broker.coverage(), broker.clients(), List.of("--port", "1883", "--coverage-file", "r.html"))
                    .render("r.html");
        }
        assertTrue(html.indexOf("id=\"MQTT-1.5.3-1\"") < html.indexOf("id=\"clients\""), "statements before the client table");
        assertTrue(html.contains("<details class=\"clients\" id=\"clients\"><summary>Clients (" + (HtmlReport.CLIENTS_UNFOLDED + 1)),
                "a long client table starts folded");
        assertTrue(html.contains("<a class=\"id\" href=\"#MQTT-3.3.1-2\">MQTT-3.3.1-2</a>"), "breached id in the client table linked");
        assertTrue(html.contains("<div class=\"ev\"><a href=\"#client-0\"><b>lib0</b></a>"), "a breach links to its client's row");
        Matcher m = Pattern.compile("href=\"#([^\"]+)\"").matcher(html);
        int links = 0;
        while (m.find()) {
            links++;
            assertTrue(html.contains("id=\"" + m.group(1) + "\""), "link to a missing anchor #" + m.group(1));
        }
        assertTrue(links > Statements.size(), "every statement id is a link");
        assertTrue(html.contains("command line: <code>mqttconf broker --port 1883 --coverage-file r.html</code>"), "options");
        assertTrue(html.contains("all times " + java.time.ZoneId.systemDefault().getId()), "time zone");
        assertTrue(html.contains("mqttconf " + mqttconf.util.Version.current()), "version");
    }

    @Test
    void aCoverageFileThatCannotBeWrittenStopsTheBrokerAtStart() {
        Run r = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> Run.main("broker", "--port", "0", "--coverage-file", "/nonexistent/dir/r.html"));
        assertEquals(2, r.code(), r.out() + r.err());
        assertEquals("mqttconf broker: --coverage-file /nonexistent/dir/r.html: no directory /nonexistent/dir\n", r.err());
    }
}
