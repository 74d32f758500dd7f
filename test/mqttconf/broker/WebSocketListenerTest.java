package mqttconf.broker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import mqttconf.client.Dialer;
import mqttconf.client.TestClient;
import mqttconf.codec.Decoder;
import mqttconf.codec.Encoder;
import mqttconf.codec.Packet.ConnAck;
import mqttconf.codec.Packet.Connect;
import mqttconf.codec.Packet.PingReq;
import mqttconf.codec.Packet.PingResp;
import mqttconf.codec.Packet.PubAck;
import mqttconf.codec.Packet.PubRec;
import mqttconf.codec.Packet.SubAck;
import mqttconf.codec.Packet.Subscribe;
import mqttconf.codec.Packet.Publish;
import mqttconf.spec.Coverage;
import mqttconf.spec.Statements;
import mqttconf.websocket.WebSocket;

/** The broker's WebSocket listener at the frame level (RFC 6455 and chapter 6), through a raw socket. */
class WebSocketListenerTest {
    private static final Duration T = Duration.ofSeconds(3);
    private final Coverage coverage = new Coverage();
    private final ByteArrayOutputStream logText = new ByteArrayOutputStream();
    private Broker broker;

    @BeforeEach
    void start() throws IOException {
        broker = Broker.start(BrokerConfig.ephemeral(), List.of(new ListenerConfig(0, "127.0.0.1", true, null)),
                BrokerLog.to(new PrintStream(logText, true, StandardCharsets.UTF_8)), coverage);
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    /** One frame as read from the server. */
    record Frame(boolean fin, int opcode, byte[] payload) { }

    /** A socket that did the opening handshake by hand and reads frames as they come. */
    private final class Raw implements AutoCloseable {
        final Socket socket = new Socket("127.0.0.1", broker.port("ws"));
        final DataInputStream in;
        final OutputStream out;
        final String head;

        Raw(String protocols) throws IOException {
            socket.setSoTimeout((int) T.toMillis());
            in = new DataInputStream(socket.getInputStream());
            out = socket.getOutputStream();
            out.write(("GET /mqtt HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + (protocols == null ? "" : "Sec-WebSocket-Protocol: " + protocols + "\r\n") + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            StringBuilder b = new StringBuilder();
            while (!b.toString().endsWith("\r\n\r\n")) b.append((char) in.readUnsignedByte());
            head = b.toString();
        }

        void send(boolean fin, int opcode, byte[] payload, boolean masked) throws IOException {
            out.write(frame(fin, opcode, payload, masked));
        }

        /** Several masked frames in one write, so the server reads them together. */
        void sendTogether(byte[]... frames) throws IOException {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (byte[] f : frames) all.write(f);
            out.write(all.toByteArray());
        }

        static byte[] frame(boolean fin, int opcode, byte[] payload, boolean masked) {
            ByteBuffer b = ByteBuffer.allocate(WebSocket.MAX_HEADER + payload.length);
            byte[] mask = masked ? new byte[] {1, 2, 3, 4} : null;
            WebSocket.header(b, fin, opcode, payload.length, mask);
            for (int i = 0; i < payload.length; i++) b.put((byte) (masked ? payload[i] ^ mask[i & 3] : payload[i]));
            return java.util.Arrays.copyOf(b.array(), b.position());
        }

        Frame read() throws IOException {
            int b0 = in.readUnsignedByte();
            int len = in.readUnsignedByte();
            assertEquals(0, len & 0x80, "server frames are not masked");
            long n = len == 126 ? in.readUnsignedShort() : len == 127 ? in.readLong() : len;
            byte[] payload = new byte[(int) n];
            in.readFully(payload);
            return new Frame((b0 & 0x80) != 0, b0 & 0x0F, payload);
        }

        boolean closedByServer() throws IOException {
            try {
                return in.read() < 0;
            } catch (EOFException e) {
                return true;
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static int code(Frame f) {
        return (f.payload()[0] & 0xFF) << 8 | f.payload()[1] & 0xFF;
    }

    @Test
    void upgradeSelectsMqttWithTheRfcAcceptKey() throws Exception {
        try (Raw r = new Raw("mqttv3.1, mqtt")) {
            assertTrue(r.head.startsWith("HTTP/1.1 101 "), r.head);
            assertTrue(r.head.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"), r.head);
            assertTrue(r.head.contains("Sec-WebSocket-Protocol: mqtt\r\n"), r.head);
        }
        assertEquals(1, coverage.exercisedCount(Statements.get("MQTT-6.0.0-4")));
    }

    @Test
    void upgradeWithoutMqttIsRefused() throws Exception {
        try (Raw r = new Raw(null)) {
            assertTrue(r.head.startsWith("HTTP/1.1 400 "), r.head);
        }
        try (Raw r = new Raw("mqttv3.1")) {
            assertTrue(r.head.startsWith("HTTP/1.1 400 "), r.head);
        }
    }

    @Test
    void packetsSpanFramesAndRepliesAreBinaryFrames() throws Exception {
        try (Raw r = new Raw("mqtt")) {
            byte[] connect = Encoder.encode(Connect.of("wsraw", true, 0));
            r.send(true, WebSocket.BINARY, java.util.Arrays.copyOf(connect, 3), true);
            r.send(false, WebSocket.BINARY, java.util.Arrays.copyOfRange(connect, 3, 5), true);
            r.send(true, WebSocket.CONTINUATION, java.util.Arrays.copyOfRange(connect, 5, connect.length), true);
            Frame f = r.read();
            assertEquals(WebSocket.BINARY, f.opcode());
            assertArrayEquals(Encoder.encode(new ConnAck(false, 0)), f.payload());
        }
        assertTrue(coverage.exercisedCount(Statements.get("MQTT-6.0.0-2")) >= 3);
        assertTrue(coverage.exercisedCount(Statements.get("MQTT-6.0.0-1")) >= 1);
    }

    /**
     * A client that reads one frame at a time (as Paho C does) sees each answer in its own frame, even when the
     * packets they answer came together; a packet larger than a write piece is still one frame.
     */
    @Test
    void eachPacketTheServerSendsIsOneFrame() throws Exception {
        try (Raw r = new Raw("mqtt")) {
            byte[] big = new byte[200_000];
            java.util.Arrays.fill(big, (byte) 'x');
            java.io.ByteArrayOutputStream together = new java.io.ByteArrayOutputStream();
            for (mqttconf.codec.Packet p : List.of(Connect.of("wsframes", true, 0), Subscribe.of(1, "ws/frames", 1),
                    Publish.of("ws/frames", "one", 1, 2), Publish.of("ws/other", "two", 2, 3), new PingReq(),
                    new Publish("ws/frames", big, 0, false, false, 0))) {
                together.write(Encoder.encode(p));
            }
            r.send(true, WebSocket.BINARY, together.toByteArray(), true);
            // The order of a PUBLISH delivered back and the PUBACK of the PUBLISH that caused it is the broker's choice.
            List<String> expected = List.of("CONNACK", "PINGRESP", "PUBACK", "PUBLISH", "PUBLISH", "PUBREC", "SUBACK");
            List<String> seen = new java.util.ArrayList<>();
            for (int i = 0; i < expected.size(); i++) {
                Frame f = r.read();
                assertEquals(WebSocket.BINARY, f.opcode());
                assertTrue(f.fin(), "a whole message");
                ByteBuffer payload = ByteBuffer.wrap(f.payload());
                mqttconf.codec.Packet p = new Decoder().decode(payload);
                seen.add(p.type().toString());
                assertEquals(0, payload.remaining(), "nothing after the " + p.type() + " in its frame");
                if (p instanceof Publish m && m.qos() == 0) assertEquals(big.length, m.payload().length);
                if (p instanceof Publish m && m.qos() == 1) r.send(true, WebSocket.BINARY, Encoder.encode(new PubAck(m.packetId())), true);
            }
            assertEquals(expected, seen.stream().sorted().toList(), "one packet per frame, each answer once");
        }
    }

    @Test
    void pingIsAnsweredWithPongCarryingItsPayload() throws Exception {
        try (Raw r = new Raw("mqtt")) {
            r.send(true, WebSocket.PING, "are you there".getBytes(StandardCharsets.UTF_8), true);
            Frame f = r.read();
            assertEquals(WebSocket.PONG, f.opcode());
            assertEquals("are you there", new String(f.payload(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void textFrameIsAnsweredWithClose1003AndTheConnectionEnds() throws Exception {
        try (Raw r = new Raw("mqtt")) {
            r.send(true, WebSocket.TEXT, Encoder.encode(Connect.of("wstext", true, 0)), true);
            Frame f = r.read();
            assertEquals(WebSocket.CLOSE, f.opcode());
            assertEquals(WebSocket.CLOSE_UNSUPPORTED_DATA, code(f));
            assertTrue(r.closedByServer());
        }
        assertEquals(1, coverage.exercisedCount(Statements.get("MQTT-6.0.0-1")));
    }

    @Test
    void unmaskedClientFrameIsAProtocolError() throws Exception {
        try (Raw r = new Raw("mqtt")) {
            r.send(true, WebSocket.BINARY, Encoder.encode(Connect.of("wsplain", true, 0)), false);
            Frame f = r.read();
            assertEquals(WebSocket.CLOSE, f.opcode());
            assertEquals(WebSocket.CLOSE_PROTOCOL_ERROR, code(f));
            assertTrue(r.closedByServer());
        }
    }

    @Test
    void continuationWithoutAMessageAndFragmentedControlFramesAreProtocolErrors() throws Exception {
        try (Raw r = new Raw("mqtt")) {
            r.send(true, WebSocket.CONTINUATION, new byte[] {0x10}, true);
            assertEquals(WebSocket.CLOSE_PROTOCOL_ERROR, code(r.read()));
        }
        try (Raw r = new Raw("mqtt")) {
            r.send(false, WebSocket.PING, new byte[0], true);
            assertEquals(WebSocket.CLOSE_PROTOCOL_ERROR, code(r.read()));
        }
    }

    @Test
    void closeHandshakeIsEchoedAndTheWillPublished() throws Exception {
        try (TestClient watcher = Dialer.tcp().open("127.0.0.1", broker.port(), T, "watcher");
             Raw r = new Raw("mqtt")) {
            watcher.send(Connect.of("watcher", true, 0));
            assertInstanceOf(ConnAck.class, watcher.receive(T));
            BrokerTestBase.subscribe(watcher, "ws/will", 0);
            r.send(true, WebSocket.BINARY, Encoder.encode(Connect.of("wswill", true, 0)
                    .withWill(new mqttconf.codec.Packet.Will("ws/will", "gone".getBytes(StandardCharsets.UTF_8), 0, false))), true);
            assertEquals(WebSocket.BINARY, r.read().opcode());
            r.send(true, WebSocket.CLOSE, WebSocket.closePayload(WebSocket.CLOSE_NORMAL, "bye"), true);
            Frame f = r.read();
            assertEquals(WebSocket.CLOSE, f.opcode());
            assertEquals(WebSocket.CLOSE_NORMAL, code(f));
            assertTrue(r.closedByServer());
            Publish will = watcher.await(Publish.class, T);
            assertEquals("ws/will", will == null ? null : will.topic());
        }
    }

    /** A normal close is logged as one, and after DISCONNECT it is the client closing its connection [MQTT-3.14.4-1]. */
    @Test
    void aWebSocketCloseIsLoggedAsSuchAndAfterDisconnectKeepsTheObligation() throws Exception {
        broker.close();
        java.io.ByteArrayOutputStream logged = new java.io.ByteArrayOutputStream();
        broker = Broker.start(BrokerConfig.ephemeral(), List.of(new ListenerConfig(0, "127.0.0.1", true, null)),
                BrokerLog.to(new java.io.PrintStream(logged, true, StandardCharsets.UTF_8)), coverage);
        try (Raw r = new Raw("mqtt")) {
            r.send(true, WebSocket.BINARY, Encoder.encode(Connect.of("wsbye", true, 0)), true);
            assertEquals(WebSocket.BINARY, r.read().opcode());
            r.send(true, WebSocket.CLOSE, WebSocket.closePayload(WebSocket.CLOSE_NORMAL, ""), true);
            assertEquals(WebSocket.CLOSE, r.read().opcode());
            assertTrue(r.closedByServer());
        }
        try (Raw r = new Raw("mqtt")) {
            r.send(true, WebSocket.BINARY, Encoder.encode(Connect.of("wsdisconnect", true, 0)), true);
            assertEquals(WebSocket.BINARY, r.read().opcode());
            r.send(true, WebSocket.BINARY, Encoder.encode(new mqttconf.codec.Packet.Disconnect()), true);
            r.send(true, WebSocket.CLOSE, WebSocket.closePayload(WebSocket.CLOSE_NORMAL, ""), true);
            assertEquals(WebSocket.CLOSE, r.read().opcode());
        }
        long deadline = System.nanoTime() + T.toNanos();
        while (coverage.checkedCount(Statements.get("MQTT-3.14.4-1")) == 0 && System.nanoTime() < deadline) Thread.sleep(10);
        assertEquals(1, coverage.checkedCount(Statements.get("MQTT-3.14.4-1")), "the WebSocket close after DISCONNECT");
        assertEquals(List.of(), broker.clients().breaches());
        while (!logged.toString(StandardCharsets.UTF_8).contains("(wsbye) ended") && System.nanoTime() < deadline) Thread.sleep(10);
        String log = logged.toString(StandardCharsets.UTF_8);
        // The net side names the connection by number and address, not by client id.
        assertTrue(log.contains(": WebSocket close 1000 from the client; closing"), log);
        assertTrue(log.contains("(wsbye) ended: closed by client as the server was closing"), log);
        assertTrue(!log.contains("after rejection"), log);
    }

    /**
     * DISCONNECT and the WebSocket close read together (one write here; two writes a busy machine coalesces): the
     * DISCONNECT is handled before the close, so the will is discarded [MQTT-3.14.4-3] and the close counts as
     * the client closing its connection after DISCONNECT [MQTT-3.14.4-1].
     */
    @Test
    void aDisconnectReadTogetherWithTheWebSocketCloseIsHandledFirst() throws Exception {
        try (TestClient watcher = Dialer.tcp().open("127.0.0.1", broker.port(), T, "watcher")) {
            watcher.send(Connect.of("watcher", true, 0));
            assertInstanceOf(ConnAck.class, watcher.receive(T));
            BrokerTestBase.subscribe(watcher, "ws/will", 0);
            try (Raw r = new Raw("mqtt")) {
                r.send(true, WebSocket.BINARY, Encoder.encode(Connect.of("wstogether", true, 0).withWill(
                        new mqttconf.codec.Packet.Will("ws/will", "gone".getBytes(StandardCharsets.UTF_8), 0, false))), true);
                assertEquals(WebSocket.BINARY, r.read().opcode());
                r.sendTogether(Raw.frame(true, WebSocket.BINARY, Encoder.encode(new mqttconf.codec.Packet.Disconnect()), true),
                        Raw.frame(true, WebSocket.CLOSE, WebSocket.closePayload(WebSocket.CLOSE_NORMAL, ""), true));
                assertEquals(WebSocket.CLOSE, r.read().opcode());
                assertTrue(r.closedByServer());
            }
            // The will, if any, is published as the end is logged; a PINGRESP asked for after that follows it.
            long deadline = System.nanoTime() + T.toNanos();
            while (!logText.toString(StandardCharsets.UTF_8).contains("(wstogether) ended") && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            String log = logText.toString(StandardCharsets.UTF_8);
            assertTrue(log.contains("(wstogether) ended"), log);
            watcher.send(new PingReq());
            assertInstanceOf(PingResp.class, watcher.receive(T), "no will after DISCONNECT");
        }
        assertEquals(1, coverage.checkedCount(Statements.get("MQTT-3.14.4-1")), "the WebSocket close after DISCONNECT");
        assertEquals(List.of(), broker.clients().breaches());
    }

    @Test
    void framesAfterTheCloseHandshakeAreDiscarded() throws Exception {
        try (Raw r = new Raw("mqtt")) {
            r.send(true, WebSocket.BINARY, Encoder.encode(Connect.of("wslate", true, 0)), true);
            assertEquals(WebSocket.BINARY, r.read().opcode());
            r.send(true, WebSocket.CLOSE, WebSocket.closePayload(WebSocket.CLOSE_NORMAL, "bye"), true);
            assertEquals(WebSocket.CLOSE, r.read().opcode());
            r.send(true, WebSocket.BINARY, new byte[] {(byte) 0xC0, 0}, true);
            assertTrue(r.closedByServer());
        }
        try (TestClient after = Dialer.tcp().open("127.0.0.1", broker.port(), T, "after")) {
            after.send(Connect.of("after", true, 0));
            assertInstanceOf(ConnAck.class, after.receive(T));
        }
        String log = logText.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("wslate") && !log.contains("internal error"), log);
    }

    @Test
    void oversizedRequestHeadIsRefused() throws Exception {
        try (Socket s = new Socket("127.0.0.1", broker.port("ws"))) {
            s.setSoTimeout((int) T.toMillis());
            s.getOutputStream().write(("GET / HTTP/1.1\r\nX: " + "a".repeat(9000) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String reply = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertEquals("HTTP/1.1 431", reply);
        }
    }
}
