package mqttconf.suite;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import mqttconf.client.TestClient;
import mqttconf.codec.ByteNotation;
import mqttconf.codec.Bytes;
import mqttconf.codec.Encoder;
import mqttconf.codec.Packet;
import mqttconf.suite.MalformedTable.After;
import mqttconf.suite.MalformedTable.Row;
import mqttconf.suite.MalformedTable.Terminal;

/** Sends one row of the malformed table to a server and compares what happens with what the row allows. */
public final class MalformedCaseRunner {
    /** What was sent, what the server did, and whether the row's expectation allows it. */
    public record Result(boolean matched, String sent, String observed) {
        public String evidence(Row row) {
            return "sent " + sent + "; expected " + row.expectText() + "; observed " + observed;
        }
    }

    /** How long a server gets to stay quiet before "silent" is decided. */
    private static final Duration SILENCE = Duration.ofMillis(700);
    private static final int SHOWN_BYTES = 48;

    private final RunConfig config;
    private final Duration timeout;

    public MalformedCaseRunner(RunConfig config) {
        this.config = config;
        this.timeout = config.timeout();
    }

    /**
     * Runs {@code row} with {@code clientId} and {@code topic} for its placeholders; a connection still open at
     * the end is ended with DISCONNECT, so a will the row set is discarded rather than published.
     *
     * @param trace receives every packet in and out; null for none
     * @throws SetupException when the valid CONNECT before the row's bytes is refused
     * @throws TestFailure    when the server does not answer that CONNECT with a CONNACK
     * @throws IOException    when the server cannot be reached
     */
    public Result run(Row row, String clientId, String topic, Consumer<String> trace)
            throws IOException, InterruptedException, SetupException, TestFailure {
        byte[] bytes = ByteNotation.parse(row.send().replace("{cid23}", clientId23(clientId))
                .replace("{cid}", clientId).replace("{topic}", topic));
        try (TestClient c = config.dialer().open(config.host(), config.port(), timeout, "row").traced(trace)) {
            if (row.after() == After.CONNECT) connect(c, clientId);
            try {
                c.sendRaw(bytes);
            } catch (IOException e) {
                // The server closed first and the reader closed the socket ("Socket closed"): observe that close.
                if (!c.awaitClosed(timeout)) throw e;
            }
            List<byte[]> replies = new ArrayList<>();
            Terminal end = observe(c, row, replies);
            String still = row.allowsOnly(Terminal.CLOSE) ? "still open after " + timeout.toMillis() + " ms"
                    : "still open after " + timeout.toMillis() + " ms, no PINGRESP";
            boolean matched = row.expect().stream().anyMatch(o -> o.matches(replies, end));
            if (end != Terminal.CLOSE && !c.isClosed()) disconnect(c);
            return new Result(matched, shown(bytes), describe(replies, end, still));
        }
    }

    private Terminal observe(TestClient c, Row row, List<byte[]> replies) throws IOException, InterruptedException {
        if (row.allowsOnly(Terminal.CLOSE)) {
            return collectUntil(c, row, Integer.MAX_VALUE, timeout, replies) ? Terminal.CLOSE : null;
        }
        if (row.allowsOnly(Terminal.SILENT) || (row.allows(Terminal.SILENT) && row.maxReplies() == 0)) {
            if (collectUntil(c, row, 1, SILENCE, replies)) return Terminal.CLOSE;
            return replies.isEmpty() ? Terminal.SILENT : null;
        }
        if (collectUntil(c, row, row.maxReplies(), timeout, replies) || c.isClosed()) return Terminal.CLOSE;
        try {
            c.send(new Packet.PingReq());
        } catch (IOException e) {
            // The reader closes the socket when the server has closed its side: that is the outcome.
            return c.awaitClosed(timeout) ? Terminal.CLOSE : null;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Packet p = c.receive(Duration.ofNanos(deadline - System.nanoTime()));
            if (p instanceof Packet.PingResp) return Terminal.OPEN;
            if (p != null && !(p instanceof Packet.Publish && !row.expectsPublish())) replies.add(Encoder.encode(p));
            else if (c.isClosed()) return Terminal.CLOSE;
        }
        return null;
    }

    /**
     * Collects reply packets until {@code count} arrived, the connection closed, or {@code wait} passed. Unless the
     * row expects a PUBLISH, deliveries are not replies: a row subscribing to '+' may see other clients' traffic.
     * Returns true if the connection ended (decided by the event: the client's closed flag is set just after it).
     */
    private static boolean collectUntil(TestClient c, Row row, int count, Duration wait, List<byte[]> replies)
            throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (replies.size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return false;
            TestClient.Event e = c.next(Duration.ofNanos(left));
            if (e == null) return false;
            switch (e) {
                case TestClient.Event.Received r -> {
                    if (!(r.packet() instanceof Packet.Publish) || row.expectsPublish()) replies.add(Encoder.encode(r.packet()));
                }
                case TestClient.Event.Malformed m -> replies.add(m.bytes());
                case TestClient.Event.Closed closed -> {
                    return true;
                }
            }
        }
        return false;
    }

    private static void disconnect(TestClient c) {
        try {
            c.send(new Packet.Disconnect());
        } catch (IOException e) {
            // closed meanwhile: nothing left to end
        }
    }

    /** The valid CONNECT before the row: a server that does not answer it with CONNACK fails [MQTT-3.2.0-1]. */
    private void connect(TestClient c, String clientId) throws InterruptedException, SetupException, TestFailure {
        Packet.Connect connect = Packet.Connect.of(clientId, true, 60);
        if (config.username() != null) connect = connect.withCredentials(config.username(), config.password());
        String expected = "CONNACK as the first packet from the server [MQTT-3.2.0-1] for the valid CONNECT before the row";
        try {
            c.send(connect);
        } catch (IOException e) {
            throw new TestFailure(expected, "the connection broke before the CONNECT was sent: " + e.getMessage());
        }
        TestClient.Event e = c.next(timeout);
        if (!(e instanceof TestClient.Event.Received r && r.packet() instanceof Packet.ConnAck a)) {
            throw new TestFailure(expected, switch (e) {
                case null -> "nothing within " + timeout.toMillis() + " ms";
                case TestClient.Event.Received r -> r.packet().toString();
                case TestClient.Event.Malformed m -> "a malformed packet: " + m.error().getMessage();
                case TestClient.Event.Closed closed -> "the connection " + closed.how();
            });
        }
        if (a.returnCode() != 0) throw new SetupException("the server refused the valid CONNECT the row needs: " + a);
    }

    private static String describe(List<byte[]> replies, Terminal end, String stillOpen) {
        StringBuilder s = new StringBuilder();
        for (byte[] r : replies) s.append(shown(r)).append(" | ");
        if (!s.isEmpty()) s.setLength(s.length() - 3);
        String how = end == null ? stillOpen : end.name().toLowerCase();
        return s.isEmpty() ? how : s + " -> " + how;
    }

    private static String shown(byte[] b) {
        return b.length <= SHOWN_BYTES ? Bytes.hex(b) : Bytes.hex(b, 0, SHOWN_BYTES) + " ...(" + b.length + " bytes)";
    }

    /** A 23-character client identifier of the allowed characters [MQTT-3.1.3-5], unique as {@code clientId} is. */
    static String clientId23(String clientId) {
        String alnum = clientId.replaceAll("[^0-9a-zA-Z]", "");
        String padded = (alnum + "00000000000000000000000").substring(0, 23);
        return alnum.length() > 23 ? alnum.substring(alnum.length() - 23) : padded;
    }

    /** The row could not be run because the server refused the setup it needs. */
    public static final class SetupException extends Exception {
        private static final long serialVersionUID = 1L;

        public SetupException(String message) {
            super(message);
        }
    }
}
