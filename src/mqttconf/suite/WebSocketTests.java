package mqttconf.suite;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

import mqttconf.client.TestClient;
import mqttconf.client.TestClient.Event;
import mqttconf.client.WebSocketDialer;
import mqttconf.client.WebSocketSocket;
import mqttconf.codec.Encoder;
import mqttconf.codec.Packet;
import mqttconf.codec.Packet.ConnAck;
import mqttconf.codec.Packet.PingReq;
import mqttconf.codec.Packet.PingResp;
import mqttconf.codec.Packet.SubAck;
import mqttconf.codec.Packet.Subscribe;
import mqttconf.codec.Packet.Subscription;
import mqttconf.websocket.WebSocket;

/** Chapter 6: MQTT over WebSocket. Run only against ws:// and wss:// targets; SKIP otherwise. */
final class WebSocketTests {
    private WebSocketTests() {
    }

    static List<TestCase> all() {
        return List.of(
                // The server MUST select the subprotocol "mqtt" that the client offers.
                TestCase.must("websocket.subprotocol-mqtt", List.of("MQTT-6.0.0-4"),
                        "offered the WebSocket subprotocol mqtt, the server selects mqtt",
                        WebSocketTests::subprotocol),
                // Control packets travel in binary frames only: the receiver of another data frame MUST close.
                TestCase.must("websocket.text-frame-closes", List.of("MQTT-6.0.0-1"),
                        "a PINGREQ in a text frame is not answered and the server closes the connection",
                        WebSocketTests::textFrame),
                // The receiver MUST NOT assume packets are aligned on frame boundaries.
                TestCase.must("websocket.packet-across-frames", List.of("MQTT-6.0.0-2"),
                        "a CONNECT split over three binary frames and a SUBSCRIBE in a fragmented message are understood",
                        WebSocketTests::acrossFrames),
                TestCase.must("websocket.packets-in-one-frame", List.of("MQTT-6.0.0-2"),
                        "CONNECT, SUBSCRIBE and PINGREQ in one binary frame get CONNACK, SUBACK and PINGRESP",
                        WebSocketTests::oneFrame));
    }

    /** A WebSocket connection with frame-level access, and a client reading the MQTT stream from it. */
    private record Raw(WebSocketSocket socket, TestClient client) implements AutoCloseable {
        @Override
        public void close() {
            client.close();
        }
    }

    private static WebSocketDialer dialer(Context ctx) throws TestSkipped {
        if (ctx.config().dialer() instanceof WebSocketDialer ws) return ws;
        throw new TestSkipped("chapter 6 needs a WebSocket target (ws:// or wss://)");
    }

    private static Raw open(Context ctx, WebSocketDialer dialer, String role) throws TestFailure {
        RunConfig c = ctx.config();
        try {
            WebSocketSocket s = dialer.connect(c.host(), c.port(), c.timeout());
            return new Raw(s, TestClient.over(s, role).traced(ctx.transcript()));
        } catch (IOException e) {
            throw new TestFailure("a WebSocket connection to " + c.target() + " with the sub protocol 'mqtt' "
                    + "[MQTT-6.0.0-4]", e.getMessage());
        }
    }

    private static void subprotocol(Context ctx) throws Exception {
        WebSocketDialer d = dialer(ctx);
        try (Raw r = open(ctx, d, "client")) {
            ctx.require(WebSocket.SUBPROTOCOL.equals(r.socket().subprotocol()),
                    "Sec-WebSocket-Protocol: mqtt in the upgrade response [MQTT-6.0.0-4]",
                    r.socket().subprotocol() == null ? "no Sec-WebSocket-Protocol header" : r.socket().subprotocol());
        }
        RunConfig c = ctx.config();
        try (WebSocketSocket s = d.offering(List.of()).connect(c.host(), c.port(), c.timeout())) {
            ctx.observe("a client offering no subprotocol is accepted" + (s.subprotocol() == null ? "" : " with " + s.subprotocol()));
        } catch (IOException e) {
            ctx.observe("a client offering no subprotocol is refused: " + e.getMessage());
        }
    }

    private static void textFrame(Context ctx) throws Exception {
        try (Raw r = open(ctx, dialer(ctx), "client")) {
            connect(ctx, r);
            r.socket().sendFrame(true, WebSocket.TEXT, Encoder.encode(new PingReq()), true);
            Event e = r.client().next(ctx.timeout());
            if (e instanceof Event.Received got && got.packet() instanceof PingResp) {
                throw new TestFailure("no answer to a packet in a text frame, and the connection closed [MQTT-6.0.0-1]", "PINGRESP");
            }
            if (!(e instanceof Event.Closed) && !r.client().awaitClosed(ctx.timeout())) {
                throw new TestFailure("the server closes the connection after a text frame [MQTT-6.0.0-1]",
                        "still open after " + Runner.seconds(ctx.timeout()) + (e == null ? "" : " (received " + e + ")"));
            }
            int code = r.socket().closeCode();
            ctx.observe(code < 0 ? "closed without a WebSocket close frame" : "closed with WebSocket close code " + code);
        }
    }

    private static void acrossFrames(Context ctx) throws Exception {
        try (Raw r = open(ctx, dialer(ctx), "client")) {
            byte[] connect = Encoder.encode(ctx.connectPacket(ctx.clientId("client"), true));
            int third = connect.length / 3;
            r.socket().sendFrame(true, WebSocket.BINARY, Arrays.copyOfRange(connect, 0, 1), true);
            r.socket().sendFrame(true, WebSocket.BINARY, Arrays.copyOfRange(connect, 1, third + 1), true);
            r.socket().sendFrame(true, WebSocket.BINARY, Arrays.copyOfRange(connect, third + 1, connect.length), true);
            expect(ctx, r, ConnAck.class, "CONNACK to a CONNECT spread over three binary frames [MQTT-6.0.0-2]");
            byte[] subscribe = Encoder.encode(new Subscribe(7, List.of(new Subscription(ctx.topic("t"), 1))));
            r.socket().sendFrame(false, WebSocket.BINARY, Arrays.copyOfRange(subscribe, 0, 3), true);
            r.socket().sendFrame(false, WebSocket.CONTINUATION, Arrays.copyOfRange(subscribe, 3, 6), true);
            r.socket().sendFrame(true, WebSocket.CONTINUATION, Arrays.copyOfRange(subscribe, 6, subscribe.length), true);
            expect(ctx, r, SubAck.class, "SUBACK to a SUBSCRIBE in a message of three fragments [MQTT-6.0.0-2]");
        }
    }

    private static void oneFrame(Context ctx) throws Exception {
        try (Raw r = open(ctx, dialer(ctx), "client")) {
            byte[] all = concat(Encoder.encode(ctx.connectPacket(ctx.clientId("client"), true)),
                    Encoder.encode(new Subscribe(1, List.of(new Subscription(ctx.topic("t"), 0)))),
                    Encoder.encode(new PingReq()));
            r.socket().sendFrame(true, WebSocket.BINARY, all, true);
            expect(ctx, r, ConnAck.class, "CONNACK first, for three packets in one binary frame [MQTT-6.0.0-2]");
            expect(ctx, r, SubAck.class, "SUBACK second, for three packets in one binary frame [MQTT-6.0.0-2]");
            expect(ctx, r, PingResp.class, "PINGRESP third, for three packets in one binary frame [MQTT-6.0.0-2]");
        }
    }

    private static void connect(Context ctx, Raw r) throws Exception {
        r.client().send(ctx.connectPacket(ctx.clientId("client"), true));
        ConnAck ack = expect(ctx, r, ConnAck.class, "CONNACK [MQTT-3.2.0-1]");
        ctx.require(ack.returnCode() == ConnAck.ACCEPTED, "CONNACK 0 for a valid CONNECT [MQTT-3.1.4-4]", ack);
    }

    private static <T extends Packet> T expect(Context ctx, Raw r, Class<T> type, String expected) throws Exception {
        Packet p = r.client().receive(ctx.timeout());
        if (type.isInstance(p)) return type.cast(p);
        throw new TestFailure(expected, p != null ? p.toString() : r.client().isClosed() ? "the connection closed"
                : "nothing within " + Runner.seconds(ctx.timeout()));
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
