package mqttconf.broker.observe;

import java.util.SequencedMap;

import mqttconf.codec.Packet.Publish;

/**
 * What an observer may read of one session of the protocol core: its QoS 1 and 2 flows in both directions and the
 * PUBLISH packets it expects resent. Every map is a read-only view in the core's order. Loop thread only.
 */
public interface SessionView {
    boolean cleanSession();

    /** The broker's unacknowledged QoS 1 and 2 deliveries by packet id, in the order first sent. */
    SequencedMap<Integer, OutgoingFlow> inflight();

    /** The client's QoS 2 PUBLISH packets between PUBREC and PUBREL by packet id, in order of their first PUBREC. */
    SequencedMap<Integer, IncomingFlow> awaitingPubrel();

    /** PUBLISH packets of the client the broker dropped unanswered (exercise topic), to be resent, in order. */
    SequencedMap<Integer, Publish> resendExpected();

    /** In a clean session: whether a delivery of the broker ever used this packet id. */
    boolean packetIdSent(int packetId);

    /**
     * An outgoing flow; released once PUBREC came and PUBREL was sent. {@code sentAt} is when the PUBLISH (or,
     * once released, the PUBREL) was last sent (System.nanoTime), {@code connectionId} on which connection.
     */
    interface OutgoingFlow {
        Publish publish();

        boolean released();

        long sentAt();

        long connectionId();
    }

    /**
     * An incoming QoS 2 flow: when PUBREC was last sent (System.nanoTime, 0 for not yet), its place in the order of
     * PUBRECs of the session, and on which connection.
     */
    interface IncomingFlow {
        Publish publish();

        long pubrecAt();

        long pubrecSeq();

        long connectionId();
    }
}
