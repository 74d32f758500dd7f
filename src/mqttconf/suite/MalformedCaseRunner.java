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
    /**
     * What was sent, what the server did, and whether the row's expectation allows it; {@code sizeLimit} when a
     * large packet that the row expects answered was met with a close and nothing else (a server's own limit).
     */
    public record Result(boolean matched, String sent, String observed, List<byte[]> replies, Terminal end,
                         boolean sizeLimit, Duration closedAfter) {
        public Result(boolean matched, String sent, String observed) {
            this(matched, sent, observed, List.of(), null, false, null);
        }

        /**
         * The server said nothing and closed only after the timeout: the way a server closes a connection that never
         * completed its handshake (10 s is common), whatever the bytes held. Evidence of a judgement only while the
         * server was serving.
         */
        public boolean lateSilentClose(Duration timeout) {
            return end == Terminal.CLOSE && replies.isEmpty() && closedAfter != null && closedAfter.compareTo(timeout) >= 0;
        }

        public String evidence(Row row) {
            return "sent " + sent + "; expected " + row.expectText() + "; observed " + observed;
        }
    }

    /** How long a server gets to stay quiet before "silent" is decided. */
    private static final Duration SILENCE = Duration.ofMillis(700);
    private static final int SHOWN_BYTES = 48;

    private final RunConfig config;
    private final Duration timeout;
    private final Context ctx;

    public MalformedCaseRunner(RunConfig config) {
        this(config, null);
    }

    /** With {@code ctx}, waits for a close hold none of the run's slots (see {@link Context#waitLong}). */
    MalformedCaseRunner(RunConfig config, Context ctx) {
        this.config = config;
        this.timeout = config.timeout();
        this.ctx = ctx;
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
        return run(row, clientId, clientId23(clientId), topic, trace);
    }

    /** As {@link #run(Row, String, String, Consumer)} with the 23-character client id given. */
    Result run(Row row, String clientId, String clientId23, String topic, Consumer<String> trace)
            throws IOException, InterruptedException, SetupException, TestFailure {
        byte[] bytes = ByteNotation.parse(row.send().replace("{cid23}", clientId23)
                .replace("{cid}", clientId).replace("{topic}", topic));
        try (TestClient c = config.dialer().open(config.host(), config.port(), timeout, "row").traced(trace)) {
            if (row.after() == After.CONNECT) connect(c, clientId);
            try {
                c.sendRaw(bytes);
            } catch (IOException e) {
                // The server closed first and the reader closed the socket ("Socket closed"): observe that close.
                if (!c.awaitClosed(timeout)) throw e;
            }
            long sentAt = System.nanoTime();
            List<byte[]> replies = new ArrayList<>();
            Terminal end = row.allowsOnly(Terminal.CLOSE) ? awaitClose(c, row, replies) : observe(c, row, replies);
            String still = row.allowsOnly(Terminal.CLOSE) ? "still open after " + closeWait().toMillis() + " ms"
                    + (row.after() == After.CONNECT ? ", no PINGRESP" : "")
                    : "still open after " + timeout.toMillis() + " ms, no PINGRESP";
            if (end == Terminal.CLOSE && trace != null) trace.accept(c.name() + " <- (connection closed)");
            boolean matched = row.expect().stream().anyMatch(o -> o.matches(replies, end)) || answeredThenClosed(row, end);
            boolean sizeLimit = !matched && end == Terminal.CLOSE && replies.isEmpty() && bytes.length >= Runner.LARGE_PACKET
                    && !row.allows(Terminal.CLOSE);
            if (end != Terminal.CLOSE && !c.isClosed()) disconnect(c);
            Duration closedAfter = end == Terminal.CLOSE ? Duration.ofNanos(System.nanoTime() - sentAt) : null;
            return new Result(matched, shown(bytes), describe(replies, end, still), List.copyOf(replies), end, sizeLimit,
                    closedAfter);
        }
    }

    /**
     * A protocol violation after CONNECT MUST close the connection [MQTT-4.8.0-1]; nothing forbids answering
     * first. So a MUST row that expects only a close is met by replies and then a close. (A connection that never
     * sent a valid CONNECT must be closed without CONNACK [MQTT-3.1.4-1]: those rows stay strict.)
     */
    private static boolean answeredThenClosed(Row row, Terminal end) {
        return end == Terminal.CLOSE && row.after() == After.CONNECT && row.level().equals("MUST")
                && row.expect().stream().anyMatch(o -> o.terminal() == Terminal.CLOSE && o.replies().isEmpty());
    }

    /**
     * How long a close may take: the standard sets no deadline, and servers commonly close a connection that
     * never sent a valid CONNECT on their handshake timeout (10 s): up to {@link RunConfig#lateWait()}.
     */
    private Duration closeWait() {
        return config.lateWait().compareTo(timeout) > 0 ? config.lateWait() : timeout;
    }

    /**
     * Waits for the close, collecting what comes before it; the wait holds none of the run's slots. After CONNECT,
     * a connection still open after the timeout gets a PINGREQ: a server answering it goes on processing packets
     * on that connection, so it has not closed it [MQTT-4.8.0-1] (OPEN); one that stays silent may still be
     * closing late, so the wait goes on.
     */
    private Terminal awaitClose(TestClient c, Row row, List<byte[]> replies) throws InterruptedException {
        if (ctx == null) return awaitCloseNow(c, row, replies);
        Terminal[] end = new Terminal[1];
        InterruptedException[] interrupted = new InterruptedException[1];
        try {
            ctx.waitLong(() -> {
                try {
                    end[0] = awaitCloseNow(c, row, replies);
                } catch (InterruptedException e) {
                    interrupted[0] = e;
                }
                return null;
            });
        } catch (TestFailure impossible) {
            throw new IllegalStateException(impossible);
        }
        if (interrupted[0] != null) throw interrupted[0];
        return end[0];
    }

    private Terminal awaitCloseNow(TestClient c, Row row, List<byte[]> replies) throws InterruptedException {
        long start = System.nanoTime();
        Duration first = row.after() == After.CONNECT ? timeout : closeWait();
        Terminal end = collectUntil(c, row, Integer.MAX_VALUE, first, replies);
        if (end != null || row.after() == After.NOTHING) return end;
        try {
            c.send(new Packet.PingReq());
        } catch (IOException e) {
            return c.awaitClosed(timeout) ? Terminal.CLOSE : null;
        }
        return untilPingResp(c, row, start + closeWait().toNanos(), replies);
    }

    /**
     * After our PINGREQ: OPEN at its PINGRESP, MALFORMED or CLOSE as they come, collecting other replies on the way;
     * null when {@code deadline} (System.nanoTime) passes first.
     */
    private Terminal untilPingResp(TestClient c, Row row, long deadline, List<byte[]> replies) throws InterruptedException {
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return null;
            TestClient.Event e = c.next(Duration.ofNanos(left));
            switch (e) {
                case null -> {
                    return null;
                }
                case TestClient.Event.Received r -> {
                    if (r.packet() instanceof Packet.PingResp) return Terminal.OPEN;
                    if (!(r.packet() instanceof Packet.Publish) || row.expectsPublish()) replies.add(Encoder.encode(r.packet()));
                }
                case TestClient.Event.Malformed m -> {
                    replies.add(m.bytes());
                    return Terminal.MALFORMED;
                }
                case TestClient.Event.Closed closed -> {
                    return Terminal.CLOSE;
                }
            }
        }
    }

    private Terminal observe(TestClient c, Row row, List<byte[]> replies) throws IOException, InterruptedException {
        if (row.allowsOnly(Terminal.SILENT) || (row.allows(Terminal.SILENT) && row.maxReplies() == 0)) {
            Terminal end = collectUntil(c, row, 1, SILENCE, replies);
            if (end != null) return end;
            return replies.isEmpty() ? Terminal.SILENT : null;
        }
        Terminal end = collectUntil(c, row, row.maxReplies(), timeout, replies);
        if (end != null) return end;
        if (c.isClosed()) return Terminal.CLOSE;
        try {
            c.send(new Packet.PingReq());
        } catch (IOException e) {
            // The reader closes the socket when the server has closed its side: that is the outcome.
            return c.awaitClosed(timeout) ? Terminal.CLOSE : null;
        }
        end = untilPingResp(c, row, System.nanoTime() + timeout.toNanos(), replies);
        if (end != null) return end;
        return row.allows(Terminal.CLOSE) ? lateClose(c) : null;
    }

    /**
     * The PINGREQ went unanswered on a row that allows a close: the server may be closing late (no deadline),
     * so the wait goes on to {@link RunConfig#lateWait()}, holding none of the run's slots.
     */
    private Terminal lateClose(TestClient c) throws InterruptedException {
        Duration rest = closeWait().minus(timeout);
        if (rest.isNegative() || rest.isZero()) return null;
        if (ctx == null) return c.awaitClosed(rest) ? Terminal.CLOSE : null;
        boolean[] closed = new boolean[1];
        try {
            ctx.waitLong(() -> {
                try {
                    closed[0] = c.awaitClosed(rest);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            });
        } catch (TestFailure impossible) {
            throw new IllegalStateException(impossible);
        }
        if (Thread.currentThread().isInterrupted()) throw new InterruptedException();
        return closed[0] ? Terminal.CLOSE : null;
    }

    /**
     * Collects reply packets until {@code count} arrived, the connection closed, or {@code wait} passed. Unless the
     * row expects a PUBLISH, deliveries are not replies: a row subscribing to '+' may see other clients' traffic.
     * Returns CLOSE if the connection ended, MALFORMED at bytes that are not a packet (the client stops reading
     * there and closes its side: that close is its own, not the server's), else null.
     */
    private static Terminal collectUntil(TestClient c, Row row, int count, Duration wait, List<byte[]> replies)
            throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (replies.size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return null;
            TestClient.Event e = c.next(Duration.ofNanos(left));
            if (e == null) return null;
            switch (e) {
                case TestClient.Event.Received r -> {
                    if (!(r.packet() instanceof Packet.Publish) || row.expectsPublish()) replies.add(Encoder.encode(r.packet()));
                }
                case TestClient.Event.Malformed m -> {
                    replies.add(m.bytes());
                    return Terminal.MALFORMED;
                }
                case TestClient.Event.Closed closed -> {
                    return Terminal.CLOSE;
                }
            }
        }
        return null;
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
        String how = end == null ? stillOpen : end == Terminal.OPEN && !stillOpen.contains(", no PINGRESP")
                ? "open (PINGREQ answered)" : end == Terminal.MALFORMED
                ? "(not a packet: the client stopped reading there, so whether the server closed is unknown)"
                : end.name().toLowerCase();
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
