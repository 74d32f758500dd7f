package mqttconf.broker;

import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SequencedMap;

import mqttconf.broker.observe.SessionView;
import mqttconf.codec.Encoder;
import mqttconf.codec.Packet.Publish;

/**
 * The server side of one MQTT session (section 4.1): subscriptions, outgoing QoS 1 and 2 flows by packet id,
 * messages waiting to be sent, and incoming QoS 2 packet ids awaiting PUBREL. Owned by the event loop thread;
 * observers read it only as a {@link SessionView}.
 */
final class Session implements SessionView {
    /**
     * An outgoing QoS 1 or 2 flow; {@code released} once PUBREC came and PUBREL was sent. {@code sentAt} is when
     * the PUBLISH (or, once released, the PUBREL) was last sent and {@code connectionId} on which connection.
     */
    record Outgoing(Publish publish, boolean released, long sentAt, long connectionId) implements OutgoingFlow { }

    /**
     * An incoming QoS 2 message between PUBREC and PUBREL: the PUBLISH as received, whether the broker still holds
     * it for delivery on PUBREL, and when and on which connection PUBREC was last sent.
     */
    record Incoming(Publish publish, boolean held, long pubrecAt, long pubrecSeq, long connectionId)
            implements IncomingFlow { }

    final String clientId;
    final boolean cleanSession;
    // Each collection below is made on its first entry: most sessions never hold a flow or a queued message, and
    // ten thousand idle clients would otherwise hold ten thousand sets of empty collections (about 0.6 KB each).
    // Until then its accessor returns an empty collection on which reads, removals, clear and replaceAll work.
    /** Topic filter to granted QoS, in subscribe order. */
    private LinkedHashMap<String, Integer> subscriptions;
    /** Unacknowledged outgoing flows in the order their PUBLISH was first sent. */
    private LinkedHashMap<Integer, Outgoing> inflight;
    /** Messages not yet sent (no packet id yet), in arrival order. */
    private ArrayDeque<Publish> queue;
    /** Incoming QoS 2 flows between PUBREC and PUBREL by client packet id, in order of their first PUBREC. */
    private LinkedHashMap<Integer, Incoming> awaitingPubrel;
    /** PUBLISH packets the broker dropped unacknowledged (exercise topic) that the client must resend, in order. */
    private LinkedHashMap<Integer, Publish> resendExpected;
    /** The last PUBLISH dropped for the exercise: its resend, under whatever id, is never dropped again. */
    Publish lastDropped;
    /** In a clean session: server packet ids ever used [MQTT-2.3.1-6]; null before the first. */
    private BitSet idsSent;
    /** The connection this session is attached to, or null while the client is away. */
    Client connection;

    /** Messages dropped since the client went offline because the queue was full ({@link QueueLimit}). */
    long droppedQos0;
    long droppedQos12;
    /** Orders the PUBRECs sent for this session, for the PUBREL order check [MQTT-4.6.0-4]. */
    long pubrecSeq;
    private long queuedBytes;
    private int nextPacketId = 1;

    Session(String clientId, boolean cleanSession) {
        this.clientId = clientId;
        this.cleanSession = cleanSession;
    }

    Map<String, Integer> subscriptions() {
        return subscriptions != null ? subscriptions : Collections.emptyMap();
    }

    void putSubscription(String filter, int qos) {
        if (subscriptions == null) subscriptions = new LinkedHashMap<>();
        subscriptions.put(filter, qos);
    }

    Map<Integer, Outgoing> inflightMap() {
        return inflight != null ? inflight : Collections.emptyMap();
    }

    void putInflight(int packetId, Outgoing flow) {
        if (inflight == null) inflight = new LinkedHashMap<>();
        inflight.put(packetId, flow);
    }

    Map<Integer, Incoming> awaitingPubrelMap() {
        return awaitingPubrel != null ? awaitingPubrel : Collections.emptyMap();
    }

    void putAwaitingPubrel(int packetId, Incoming flow) {
        if (awaitingPubrel == null) awaitingPubrel = new LinkedHashMap<>();
        awaitingPubrel.put(packetId, flow);
    }

    Map<Integer, Publish> resendExpectedMap() {
        return resendExpected != null ? resendExpected : Collections.emptyMap();
    }

    void putResendExpected(int packetId, Publish message) {
        if (resendExpected == null) resendExpected = new LinkedHashMap<>();
        resendExpected.put(packetId, message);
    }

    void enqueue(Publish message) {
        if (queue == null) queue = new ArrayDeque<>();
        queue.add(message);
        queuedBytes += Encoder.size(message);
    }

    /** The oldest message not yet sent, or null when none waits. */
    Publish peekQueued() {
        return queue != null ? queue.peek() : null;
    }

    Publish dequeue() {
        Publish m = queue != null ? queue.poll() : null;
        if (m != null) queuedBytes -= Encoder.size(m);
        return m;
    }

    int queueSize() {
        return queue != null ? queue.size() : 0;
    }

    void clearQueue() {
        queue = null;
        queuedBytes = 0;
    }

    /** Removes and returns the oldest queued QoS 0 message, or null when none is queued. */
    Publish removeOldestQos0() {
        if (queue == null) return null;
        for (Iterator<Publish> i = queue.iterator(); i.hasNext(); ) {
            Publish m = i.next();
            if (m.qos() == 0) {
                i.remove();
                queuedBytes -= Encoder.size(m);
                return m;
            }
        }
        return null;
    }

    long queuedBytes() {
        return queuedBytes;
    }

    /** An id no outgoing flow uses, or 0 when all 65535 are in use [MQTT-2.3.1-4]. */
    int allocatePacketId() {
        for (int tries = 0; tries < 65535; tries++) {
            int id = nextPacketId;
            nextPacketId = id == 65535 ? 1 : id + 1;
            if (inflight == null || !inflight.containsKey(id)) return id;
        }
        return 0;
    }

    @Override
    public boolean cleanSession() {
        return cleanSession;
    }

    @Override
    public SequencedMap<Integer, OutgoingFlow> inflight() {
        return inflight != null ? Collections.unmodifiableSequencedMap(inflight) : Collections.emptyNavigableMap();
    }

    @Override
    public SequencedMap<Integer, IncomingFlow> awaitingPubrel() {
        return awaitingPubrel != null ? Collections.unmodifiableSequencedMap(awaitingPubrel) : Collections.emptyNavigableMap();
    }

    @Override
    public SequencedMap<Integer, Publish> resendExpected() {
        return resendExpected != null ? Collections.unmodifiableSequencedMap(resendExpected) : Collections.emptyNavigableMap();
    }

    /** A packet id was used for this clean session [MQTT-2.3.1-6]. */
    void idSent(int packetId) {
        if (idsSent == null) idsSent = new BitSet();
        idsSent.set(packetId);
    }

    @Override
    public boolean packetIdSent(int packetId) {
        return idsSent != null && idsSent.get(packetId);
    }

    @Override
    public String toString() {
        return "Session[" + clientId + (cleanSession ? ", clean" : ", persistent") + "]";
    }
}
