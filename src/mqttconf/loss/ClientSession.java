package mqttconf.loss;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import mqttconf.codec.Packet;
import mqttconf.codec.Packet.PubAck;
import mqttconf.codec.Packet.PubComp;
import mqttconf.codec.Packet.PubRec;
import mqttconf.codec.Packet.PubRel;
import mqttconf.codec.Packet.Publish;

/**
 * The client side of a persistent MQTT session, without I/O: the in-flight table of outgoing QoS 1 and 2
 * messages and the set of incoming QoS 2 packet ids awaiting PUBREL. It outlives connections; the caller
 * sends what {@link #resend()} returns after every reconnect and what {@link #onPacket} returns after
 * every packet. Used by one thread.
 */
final class ClientSession {
    /** Where an outgoing message stands, named after the packet it waits for. */
    enum Stage { AWAIT_PUBACK, AWAIT_PUBREC, AWAIT_PUBCOMP }

    private static final class OutFlight {
        final Publish publish;
        Stage stage;

        OutFlight(Publish publish, Stage stage) {
            this.publish = publish;
            this.stage = stage;
        }
    }

    /** Outgoing messages not yet acknowledged, in the order they were first sent. */
    private final Map<Integer, OutFlight> outgoing = new LinkedHashMap<>();
    /** Incoming QoS 2 packet ids answered with PUBREC and not yet released by PUBREL. */
    private final Set<Integer> incomingQos2 = new HashSet<>();
    private final Consumer<Publish> deliver;
    private final Consumer<Publish> completed;
    private int lastPacketId;
    private int unexpectedAcks;

    /**
     * @param deliver   called once per application message received (never twice for one QoS 2 message)
     * @param completed called when an outgoing message is done: PUBACK for QoS 1, PUBCOMP for QoS 2
     */
    ClientSession(Consumer<Publish> deliver, Consumer<Publish> completed) {
        this.deliver = deliver;
        this.completed = completed;
    }

    /** A new outgoing message: takes a free packet id, records it in flight and returns the PUBLISH to send. */
    Publish publish(String topic, byte[] payload, int qos) {
        if (qos == 0) {
            return new Publish(topic, payload, 0, false, false, 0);
        }
        if (outgoing.size() >= 65535) {
            throw new IllegalStateException("no free packet id");
        }
        // Ids go round rather than reusing the lowest free one, so a late acknowledgement of an old message
        // is unlikely to meet a new message under the same id.
        do {
            lastPacketId = lastPacketId % 65535 + 1;
        } while (outgoing.containsKey(lastPacketId));
        Publish p = new Publish(topic, payload, qos, false, false, lastPacketId);
        outgoing.put(lastPacketId, new OutFlight(p, qos == 1 ? Stage.AWAIT_PUBACK : Stage.AWAIT_PUBREC));
        return p;
    }

    int inFlight() {
        return outgoing.size();
    }

    /** Acknowledgements that matched nothing in flight (ignored, counted for the report). */
    int unexpectedAcks() {
        return unexpectedAcks;
    }

    /**
     * What to send right after a reconnect with CleanSession 0: every unacknowledged PUBLISH again with DUP
     * set and every PUBREL past PUBREC, with their original packet ids [MQTT-4.4.0-1], in the order the
     * messages were first sent [MQTT-4.6.0-1].
     */
    List<Packet> resend() {
        List<Packet> out = new ArrayList<>(outgoing.size());
        for (Map.Entry<Integer, OutFlight> e : outgoing.entrySet()) {
            OutFlight f = e.getValue();
            out.add(f.stage == Stage.AWAIT_PUBCOMP ? new PubRel(e.getKey()) : f.publish.withDup(true));
        }
        return out;
    }

    /** Handles one packet from the server and returns the packets to answer with, in order. */
    List<Packet> onPacket(Packet packet) {
        switch (packet) {
            case Publish p -> {
                return onPublish(p);
            }
            case PubAck a -> {
                OutFlight f = outgoing.get(a.packetId());
                if (f != null && f.stage == Stage.AWAIT_PUBACK) {
                    outgoing.remove(a.packetId());
                    completed.accept(f.publish);
                } else {
                    unexpectedAcks++;
                }
                return List.of();
            }
            case PubRec r -> {
                OutFlight f = outgoing.get(r.packetId());
                if (f == null || f.stage == Stage.AWAIT_PUBACK) {
                    unexpectedAcks++;
                    return List.of();
                }
                // A repeated PUBREC (the server re-sent it) is answered again, the message stays where it is.
                f.stage = Stage.AWAIT_PUBCOMP;
                return List.of(new PubRel(r.packetId()));
            }
            case PubComp c -> {
                OutFlight f = outgoing.get(c.packetId());
                if (f != null && f.stage == Stage.AWAIT_PUBCOMP) {
                    outgoing.remove(c.packetId());
                    completed.accept(f.publish);
                } else {
                    unexpectedAcks++;
                }
                return List.of();
            }
            case PubRel r -> {
                // Releases the id for new messages; answered even when unknown, since our PUBCOMP may have been
                // lost with the last connection.
                incomingQos2.remove(r.packetId());
                return List.of(new PubComp(r.packetId()));
            }
            default -> {
                return List.of();
            }
        }
    }

    private List<Packet> onPublish(Publish p) {
        switch (p.qos()) {
            case 0 -> {
                deliver.accept(p);
                return List.of();
            }
            case 1 -> {
                deliver.accept(p);
                return List.of(new PubAck(p.packetId()));
            }
            default -> {
                // Until PUBREL, a PUBLISH with the same id is the same message: acknowledge, do not deliver again.
                if (incomingQos2.add(p.packetId())) {
                    deliver.accept(p);
                }
                return List.of(new PubRec(p.packetId()));
            }
        }
    }
}
