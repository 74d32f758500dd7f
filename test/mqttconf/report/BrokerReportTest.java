package mqttconf.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import mqttconf.broker.Broker;
import mqttconf.broker.BrokerConfig;
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
}
