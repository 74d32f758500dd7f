package mqttconf.suite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import mqttconf.codec.ByteNotation;
import mqttconf.codec.Decoder;
import mqttconf.codec.MalformedPacketException;
import mqttconf.codec.Packet;
import mqttconf.spec.Level;
import mqttconf.suite.MalformedCaseRunner.SetupException;
import mqttconf.suite.MalformedTable.After;
import mqttconf.suite.MalformedTable.Outcome;
import mqttconf.suite.MalformedTable.Row;
import mqttconf.suite.MalformedTable.Terminal;

/**
 * Every row of the malformed and edge-case packet table as a test: a MUST row whose expectation is not met
 * fails with what was sent and seen; a SHOULD or MAY row reports what the server did.
 */
final class MalformedTests {
    static final String PREFIX = "malformed.";

    private MalformedTests() {
    }

    static List<TestCase> all() {
        List<TestCase> tests = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Row row : MalformedTable.load()) {
            String name = PREFIX + slug(row.name());
            if (!names.add(name)) throw new IllegalStateException("malformed.tsv:" + row.line() + ": test name " + name + " used twice");
            TestCase t = new TestCase(name, row.ids(), Level.parse(row.level()),
                    "malformed.tsv line " + row.line() + ": " + row.expectText(), ctx -> run(ctx, row));
            // Half a packet, or a row waiting in silence, may stall a server that reads whole packets under one lock.
            tests.add(t.scheduled(row.allows(Terminal.SILENT) || holdsHalfAPacket(row) ? TestCase.Schedule.ALONE
                    : TestCase.Schedule.EDGE));
        }
        return tests;
    }

    /**
     * True if the row's bytes announce more than they hold, read the way a lax server reads them (a remaining
     * length of up to five bytes): such a server waits for the rest, maybe under a lock that stalls everyone.
     */
    static boolean holdsHalfAPacket(Row row) {
        byte[] b = ByteNotation.parse(row.send().replace("{cid23}", "c".repeat(23)).replace("{cid}", "cid")
                .replace("{topic}", "topic"));
        long length = 0;
        int i = 1;
        for (int shift = 0; i < b.length && i <= 5; shift += 7) {
            length += (long) (b[i] & 0x7f) << shift;
            if ((b[i++] & 0x80) == 0) return length > b.length - i;
        }
        return i <= 5;
    }

    /** Raw bytes written before {@code '{cid23}'} in its client id field (a U+FEFF, say), as a string. */
    private static final Pattern ID_LEAD = Pattern.compile("s\\d+ ((?:[0-9a-f]{2} )+)'\\{cid23\\}'");

    /**
     * What the client id the server is sent starts with before the 23 characters: the id checked live while the
     * server answers some client ids only must be the one it hashes.
     */
    static String idLead(Row row) {
        Matcher m = ID_LEAD.matcher(row.send());
        return m.find() ? new String(ByteNotation.parse(m.group(1)), StandardCharsets.UTF_8) : "";
    }

    /**
     * The statements the observed outcome breaks: a server that does not support the protocol level MUST answer
     * CONNACK 0x01 [MQTT-3.1.2-2], whatever else the row checks; replies of the expected kinds that differ only in
     * their packet identifier break the statement tying an acknowledgement to its packet; else those of the row's
     * judged ids ({@link Row#judged}) that the outcome can break (a close, say, cannot break "the first packet
     * MUST be a CONNACK"), or all of them when none is known to.
     */
    static List<String> broken(Row row, MalformedCaseRunner.Result r) {
        boolean levelRefusal = row.expect().stream().anyMatch(o -> !o.replies().isEmpty()
                && Arrays.equals(o.replies().get(0), new int[] {0x20, 0x02, 0x00, 0x01}));
        if (levelRefusal && (r.replies().isEmpty() || (r.replies().get(0)[0] & 0xff) != 0x20)) return List.of("MQTT-3.1.2-2");
        // A connection that never sent a valid CONNECT must be closed without CONNACK [MQTT-3.1.4-1]: a CONNACK
        // refusing it, then the close, breaks that alone (the close the other statements ask for did come).
        if (row.after() == After.NOTHING && row.ids().contains("MQTT-3.1.4-1") && r.end() == Terminal.CLOSE
                && r.replies().size() == 1 && (r.replies().get(0)[0] & 0xff) == 0x20 && r.replies().get(0).length == 4
                && row.expect().stream().allMatch(o -> o.replies().isEmpty())) {
            return List.of("MQTT-3.1.4-1");
        }
        // "The first packet sent from the Server to the Client MUST be a CONNACK Packet" [MQTT-3.2.0-1]: a row
        // whose own CONNECT is answered first by anything else broke that, whatever came after.
        if (row.after() == After.NOTHING && !r.replies().isEmpty() && (r.replies().get(0)[0] & 0xff) != 0x20
                && row.expect().stream().allMatch(o -> firstReplyType(o) == 0x20)) {
            return List.of("MQTT-3.2.0-1");
        }
        // A PUBLISH answered by the acknowledgement of the other QoS (PUBACK for QoS 2, PUBREC for QoS 1) is not
        // the response Table 3.4 sets for its QoS [MQTT-3.3.4-1]; the packet identifier is not in question.
        int first = r.replies().isEmpty() ? -1 : r.replies().get(0)[0] & 0xf0;
        if ((first == 0x40 || first == 0x50) && row.expect().stream().allMatch(o -> firstReplyType(o) == (first ^ 0x10))) {
            return List.of("MQTT-3.3.4-1");
        }
        for (Outcome o : row.expect()) {
            if (o.terminal() != r.end() || o.replies().size() != r.replies().size()) continue;
            List<int[]> masked = o.replies().stream().map(MalformedTests::anyPacketId).toList();
            if (!new Outcome(masked, o.terminal()).matches(r.replies(), r.end())) continue;
            List<String> ids = new ArrayList<>();
            for (byte[] reply : r.replies()) {
                String id = switch (reply[0] & 0xf0) {
                    case 0x40, 0x50, 0x70 -> "MQTT-2.3.1-6";
                    case 0x90 -> "MQTT-3.8.4-2";
                    case 0xb0 -> "MQTT-3.10.4-4";
                    default -> null;
                };
                if (id != null && !ids.contains(id)) ids.add(id);
            }
            if (!ids.isEmpty()) return ids;
        }
        List<String> shown = row.judged().stream().filter(id -> outcomeBreaks(id, r)).toList();
        return shown.isEmpty() ? row.judged() : shown;
    }

    /**
     * Whether the outcome {@code r} of a row that failed can break statement {@code id}; true for a statement this
     * knows nothing particular about. A duty to close is broken by a connection left open; "first a CONNACK" by
     * another packet first; the CONNECT checks by a CONNACK (or no close); session present 0 by a CONNACK saying 1.
     */
    static boolean outcomeBreaks(String id, MalformedCaseRunner.Result r) {
        boolean closed = r.end() == Terminal.CLOSE;
        int firstByte = r.replies().isEmpty() ? -1 : r.replies().get(0)[0] & 0xff;
        boolean connAck = r.replies().stream().anyMatch(b -> (b[0] & 0xff) == 0x20);
        return switch (id) {
            case "MQTT-4.8.0-1", "MQTT-2.2.2-2", "MQTT-1.5.3-1", "MQTT-1.5.3-2", "MQTT-3.3.1-4", "MQTT-3.6.1-1",
                 "MQTT-3.8.1-1", "MQTT-3.10.1-1", "MQTT-3.14.1-1", "MQTT-3.8.3-4", "MQTT-3.1.2-3", "MQTT-3.1.0-2",
                 "MQTT-3.2.2-5" -> !closed;
            case "MQTT-3.1.4-1" -> connAck || !closed;
            case "MQTT-3.2.0-1" -> firstByte >= 0 && firstByte != 0x20;
            case "MQTT-3.2.2-1" -> r.replies().stream().anyMatch(b -> b.length == 4 && (b[0] & 0xff) == 0x20
                    && (b[2] & 1) == 1 && b[3] == 0);
            case "MQTT-3.1.4-4" -> firstByte != 0x20 || r.replies().get(0).length != 4 || r.replies().get(0)[3] != 0;
            case "MQTT-3.12.4-1" -> r.replies().stream().noneMatch(b -> (b[0] & 0xff) == 0xd0);
            case "MQTT-3.1.4-5" -> r.replies().stream().skip(1).findAny().isPresent();
            default -> true;
        };
    }

    /**
     * The context of a deviation of statement {@code id}: the statements the row's packet broke on purpose, where
     * {@code id} is the general duty to close after a protocol violation [MQTT-4.8.0-1], which alone does not say
     * which violation the server let pass.
     */
    static List<String> context(Row row, String id) {
        return id.equals("MQTT-4.8.0-1") ? row.context() : List.of();
    }

    /** The first byte the outcome expects (packet type and flags), -1 when it expects no reply or any byte. */
    private static int firstReplyType(Outcome o) {
        return o.replies().isEmpty() ? -1 : o.replies().get(0)[0];
    }

    /** {@code pattern} with the packet identifier of an acknowledgement (bytes 2 and 3) as any bytes. */
    private static int[] anyPacketId(int[] pattern) {
        int type = pattern[0] >> 4;
        if (pattern.length < 4 || type < 4 || type == 8 || type == 10 || type > 11) return pattern;
        int[] p = pattern.clone();
        p[2] = -1;
        p[3] = -1;
        return p;
    }

    /** True if the row's bytes start with a CONNECT that reads as valid and has a zero-length client id. */
    private static boolean serverNamesTheClient(Row row) {
        byte[] b = ByteNotation.parse(row.send().replace("{cid23}", "c".repeat(23)).replace("{cid}", "cid")
                .replace("{topic}", "topic"));
        try {
            return new Decoder().decode(ByteBuffer.wrap(b)) instanceof Packet.Connect c
                    && c.clientId().isEmpty();
        } catch (MalformedPacketException e) {
            return false;
        }
    }

    /** The row name in lower case with every run of other characters as one '-'; wildcards spelt out. */
    static String slug(String name) {
        String words = name.toLowerCase(Locale.ROOT).replace("+", " plus ").replace("#", " hash ");
        return words.replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
    }

    private static void run(Context ctx, Row row) throws Exception {
        if (row.acceptsOwnConnect() && ctx.config().username() != null) {
            throw new TestSkipped("the row sends its own CONNECT without credentials and expects it accepted; "
                    + "this run uses --username");
        }
        MalformedCaseRunner.Result r;
        try {
            String lead = idLead(row);
            String id23 = !row.send().contains("{cid23}") ? ""
                    : ctx.clientId("row", id -> lead + MalformedCaseRunner.clientId23(id)).substring(lead.length());
            r = new MalformedCaseRunner(ctx.config(), ctx).run(row, ctx.clientId("row"), id23, ctx.topic("t"),
                    ctx.transcript());
        } catch (SetupException e) {
            throw new TestSkipped(e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        if (r.sizeLimit()) {
            throw new TestSkipped("the server closed the connection on this row's packet of over " + Runner.LARGE_PACKET
                    + " bytes: a size limit of its own (see limits.packet-size), not a deviation");
        }
        // A CONNECT with a zero-length client id: the server names the client, and so picks the worker; while it had
        // lost some, whichever it picked decided the outcome.
        if (row.after() == After.NOTHING && serverNamesTheClient(row)) {
            ctx.restsOnSilence("the row's CONNECT has a zero-length client id, so the server chose which of its workers "
                    + "took it");
        }
        // A row met only by a close at the server's handshake timeout, with no reply before it: a server that lost the
        // worker behind the connection closes it the same way, so the PASS holds only if the server was serving.
        if (r.matched() && r.lateSilentClose(ctx.timeout())) {
            ctx.restsOnSilence("the only answer was a close " + Runner.seconds(r.closedAfter()) + " after the row's bytes"
                    + ", with no reply before it");
        }
        if (row.level().equals("MUST")) {
            if (!r.matched()) {
                for (String id : broken(row, r)) {
                    ctx.deviation(new Deviation(id, row.expectText() + " after sending " + r.sent(), r.observed(),
                            context(row, id)));
                }
            }
            return;
        }
        ctx.observe((r.matched() ? "as the row expects: " : "not as the row expects (" + row.expectText() + "): ")
                + r.observed());
    }
}
