package mqttconf.broker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import mqttconf.client.Dialer;
import mqttconf.client.TestClient;
import mqttconf.codec.Packet;
import mqttconf.codec.Packet.ConnAck;
import mqttconf.codec.Packet.Connect;
import mqttconf.codec.Packet.PubAck;
import mqttconf.codec.Packet.Publish;
import mqttconf.spec.Coverage;
import mqttconf.tls.CertGenerator;
import mqttconf.tls.TestCerts;
import mqttconf.tls.TlsContexts;

/** TLS and WebSocket-over-TLS listeners: handshakes, client certificates, and large packets through SSLEngine. */
class TlsListenerTest {
    private static final Duration T = Duration.ofSeconds(5);
    private final CertGenerator.Generated certs = TestCerts.get();
    private Broker broker;

    @BeforeEach
    void start() throws IOException {
        ListenerConfig.Tls optional = new ListenerConfig.Tls(certs.serverCert(), certs.serverKey(), certs.ca(), false);
        ListenerConfig.Tls required = new ListenerConfig.Tls(certs.serverCert(), certs.serverKey(), certs.ca(), true);
        broker = Broker.start(BrokerConfig.ephemeral(), List.of(new ListenerConfig(0, "127.0.0.1", false, optional),
                new ListenerConfig(0, "127.0.0.1", true, required)), BrokerLog.silent(), new Coverage());
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private Dialer tls(boolean withClientCert) {
        return Dialer.tls(TlsContexts.client(certs.ca(), withClientCert ? certs.clientCert() : null,
                withClientCert ? certs.clientKey() : null, false), true);
    }

    private static TestClient connected(Dialer d, int port, String id) throws Exception {
        TestClient c = d.open("localhost", port, T, id);
        c.send(Connect.of(id, true, 0));
        Packet p = c.receive(T);
        assertInstanceOf(ConnAck.class, p);
        assertEquals(0, ((ConnAck) p).returnCode());
        return c;
    }

    /** A 1 MB payload crosses many TLS records and frames, and fills socket buffers on the way. */
    private static void largeRoundTrip(TestClient c) throws Exception {
        byte[] payload = new byte[1 << 20];
        new Random(7).nextBytes(payload);
        assertEquals(1, BrokerTestBase.subscribe(c, "big", 1));
        c.send(new Publish("big", payload, 1, false, false, 9));
        List<Packet> before = new java.util.ArrayList<>();
        assertInstanceOf(PubAck.class, c.await(PubAck.class, x -> true, T, before));
        Publish got = before.stream().filter(Publish.class::isInstance).map(Publish.class::cast).findFirst()
                .orElse(c.await(Publish.class, T));
        assertArrayEquals(payload, got == null ? null : got.payload());
    }

    @Test
    void tlsCarriesMqttWithTheCaTrustedAndTheHostNameChecked() throws Exception {
        try (TestClient c = connected(tls(false), broker.port("tls"), "tlsplain")) {
            largeRoundTrip(c);
        }
    }

    @Test
    void websocketOverTlsRequiresAClientCertificate() throws Exception {
        try (TestClient c = connected(Dialer.websocket(tls(true), "/mqtt"), broker.port("wss"), "wssclient")) {
            largeRoundTrip(c);
        }
        assertThrows(IOException.class, () -> {
            try (TestClient c = Dialer.websocket(tls(false), "/mqtt").open("localhost", broker.port("wss"), T, "nocert")) {
                c.send(Connect.of("nocert", true, 0));
                if (c.receive(T) == null) throw new IOException("closed");
            }
        });
    }

    @Test
    void aServerCertificateFromAnotherCaIsRejectedUnlessInsecure() throws Exception {
        Dialer jdkTrust = Dialer.tls(TlsContexts.client(null, null, null, false), true);
        IOException e = assertThrows(IOException.class, () -> jdkTrust.connect("localhost", broker.port("tls"), T));
        assertTrue(e.getMessage().contains("TLS handshake"), e.getMessage());
        Dialer insecure = Dialer.tls(TlsContexts.client(null, null, null, true), false);
        try (TestClient c = connected(insecure, broker.port("tls"), "insecure")) {
            assertTrue(!c.isClosed());
        }
    }

    @Test
    void manyClientsHandshakeAtOnce() throws Exception {
        List<Thread> threads = new java.util.ArrayList<>();
        java.util.concurrent.atomic.AtomicInteger ok = new java.util.concurrent.atomic.AtomicInteger();
        for (int i = 0; i < 20; i++) {
            String id = "many" + i;
            threads.add(Thread.ofVirtual().start(() -> {
                try (TestClient c = connected(tls(false), broker.port("tls"), id)) {
                    if (!c.isClosed()) ok.incrementAndGet();
                } catch (Exception | AssertionError e) {
                    // counted as missing below
                }
            }));
        }
        for (Thread t : threads) t.join(Duration.ofSeconds(20));
        assertEquals(20, ok.get());
    }
}
