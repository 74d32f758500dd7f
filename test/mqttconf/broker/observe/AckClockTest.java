package mqttconf.broker.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;

import org.junit.jupiter.api.Test;

import mqttconf.broker.net.NetLog;
import mqttconf.codec.Packet.Connect;
import mqttconf.codec.Packet.Publish;
import mqttconf.spec.Coverage;

/**
 * [MQTT-4.5.0-2] and [MQTT-4.3.3-1] are judged by an ack timeout. A packet queued behind a large message reaches a
 * slow reader long after it was queued: its clock starts no earlier than the last sweep that saw output waiting.
 * Times are given, not waited for.
 */
class AckClockTest {
    private static final long S = 1_000_000_000L;
    private static final long TIMEOUT = 10 * S;

    private long pending;
    private final SequencedMap<Integer, SessionView.OutgoingFlow> inflight = new LinkedHashMap<>();
    private final SequencedMap<Integer, SessionView.IncomingFlow> awaitingPubrel = new LinkedHashMap<>();
    private final ClientRecords records = new ClientRecords();
    private final ClientObligations obligations = new ClientObligations(false, new Coverage(), new NetLog() {
        @Override public void info(String message) { }
        @Override public void error(String message) { }
    }, records);
    private final FlowObligations flows = new FlowObligations(obligations);

    private final SessionView session = new SessionView() {
        @Override public boolean cleanSession() { return true; }
        @Override public SequencedMap<Integer, OutgoingFlow> inflight() { return inflight; }
        @Override public SequencedMap<Integer, IncomingFlow> awaitingPubrel() { return awaitingPubrel; }
        @Override public SequencedMap<Integer, Publish> resendExpected() { return new LinkedHashMap<>(); }
        @Override public boolean packetIdSent(int packetId) { return false; }
    };
    private final ClientView view = new ClientView() {
        @Override public long id() { return 1; }
        @Override public String remote() { return "fake"; }
        @Override public String clientId() { return "slow-reader"; }
        @Override public String name() { return "slow-reader"; }
        @Override public boolean connected() { return true; }
        @Override public int keepAliveSeconds() { return 0; }
        @Override public long lastReceived() { return 0; }
        @Override public long pendingOutput() { return pending; }
        @Override public String packetHex() { return ""; }
        @Override public SessionView session() { return session; }
        @Override public Map<Integer, Publish> idsHeld() { return Map.of(); }
    };
    private final ObservedClient client = new ObservedClient(view, obligations, flows);

    private record Out(Publish publish, boolean released, long sentAt, long connectionId)
            implements SessionView.OutgoingFlow { }

    private record In(Publish publish, long pubrecAt, long pubrecSeq, long connectionId)
            implements SessionView.IncomingFlow { }

    /** A sweep at {@code now}, as the core runs it; the ids breached so far. */
    private List<String> sweep(long now) {
        assertNull(client.answersOwed(now - TIMEOUT, now, "ago"), "recorded, not closed (not --strict)");
        return records.breaches().stream().map(b -> b.statement().id()).toList();
    }

    private void owePubAckFor(long queuedAt) {
        client.connected(Connect.of("slow-reader", true, 0), false);
        inflight.put(7, new Out(Publish.of("big", "m", 1, 7), false, queuedAt, 1));
    }

    @Test
    void aPublishStillWaitingForTheSocketIsNotOverdue() {
        owePubAckFor(0);
        pending = 1 << 20;
        assertEquals(List.of(), sweep(30 * S), "the client cannot answer what it has not read");
    }

    @Test
    void theClockStartsWhenOutputWasLastSeenWaitingNotWhenThePublishWasQueued() {
        owePubAckFor(0);
        pending = 1 << 20;
        sweep(30 * S);
        pending = 0;
        assertEquals(List.of(), sweep(30 * S + S / 4), "written at most a sweep ago");
        assertEquals(List.of(), sweep(39 * S), "9 s after it was written");
        assertEquals(List.of("MQTT-4.5.0-2"), sweep(41 * S), "11 s after it was written");
    }

    @Test
    void withoutOutputWaitingTheClockStartsWhenThePublishWasSent() {
        owePubAckFor(0);
        assertEquals(List.of(), sweep(9 * S));
        assertEquals(List.of("MQTT-4.5.0-2"), sweep(11 * S));
    }

    @Test
    void aPubRecQueuedBehindALargeMessageStartsItsClockTheSameWay() {
        client.connected(Connect.of("slow-reader", true, 0), false);
        awaitingPubrel.put(3, new In(Publish.of("t", "m", 2, 3), S, 1, 1));
        pending = 1 << 20;
        sweep(20 * S);
        pending = 0;
        assertEquals(List.of(), sweep(25 * S));
        List<String> breached = sweep(31 * S);
        assertEquals(List.of("MQTT-4.3.3-1"), breached);
        assertTrue(records.breaches().get(0).reason().contains("sent 11000 ms ago"), records.breaches().get(0).reason());
    }
}
