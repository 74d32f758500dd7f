package mqttconf.broker;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import mqttconf.codec.Encoder;
import mqttconf.codec.Packet.Publish;

/**
 * The server side of one MQTT session (section 4.1): subscriptions, outgoing QoS 1 and 2 flows by packet id,
 * messages waiting to be sent, and incoming QoS 2 packet ids awaiting PUBREL. Owned by the event loop thread.
 */
final class Session {
    /** An outgoing QoS 1 or 2 flow; {@code released} once PUBREC came and PUBREL was sent. */
    record Outgoing(Publish publish, boolean released) { }

    final String clientId;
    final boolean cleanSession;
    /** Topic filter to granted QoS, in subscribe order. */
    final Map<String, Integer> subscriptions = new LinkedHashMap<>();
    /** Unacknowledged outgoing flows in the order their PUBLISH was first sent. */
    final LinkedHashMap<Integer, Outgoing> inflight = new LinkedHashMap<>();
    /** Messages not yet sent (no packet id yet), in arrival order. */
    final ArrayDeque<Publish> queue = new ArrayDeque<>();
    /**
     * Incoming QoS 2 packet ids between PUBREC and PUBREL. The value is the message when it is delivered on
     * PUBREL, or null when it was already delivered on PUBLISH.
     */
    final Map<Integer, Publish> awaitingPubrel = new HashMap<>();
    /** The connection this session is attached to, or null while the client is away. */
    Connection connection;

    private long queuedBytes;
    private int nextPacketId = 1;

    Session(String clientId, boolean cleanSession) {
        this.clientId = clientId;
        this.cleanSession = cleanSession;
    }

    void enqueue(Publish message) {
        queue.add(message);
        queuedBytes += Encoder.size(message);
    }

    Publish dequeue() {
        Publish m = queue.poll();
        if (m != null) queuedBytes -= Encoder.size(m);
        return m;
    }

    long queuedBytes() {
        return queuedBytes;
    }

    /** An id no outgoing flow uses, or 0 when all 65535 are in use [MQTT-2.3.1-4]. */
    int allocatePacketId() {
        for (int tries = 0; tries < 65535; tries++) {
            int id = nextPacketId;
            nextPacketId = id == 65535 ? 1 : id + 1;
            if (!inflight.containsKey(id)) return id;
        }
        return 0;
    }

    @Override
    public String toString() {
        return "Session[" + clientId + (cleanSession ? ", clean" : ", persistent") + "]";
    }
}
