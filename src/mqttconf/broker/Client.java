package mqttconf.broker;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import mqttconf.broker.net.Link;
import mqttconf.broker.observe.ClientRecord;
import mqttconf.codec.Packet.Publish;
import mqttconf.codec.Packet.Will;
import mqttconf.codec.Packet;

/**
 * The protocol state of one network connection: where it is in its life, the client id and session, the will,
 * keep alive, and what the observers note about it. The connection itself is reached only through its
 * {@link Link}. Used only by the event loop thread.
 */
final class Client {
    enum State {
        /** Accepted; the first packet must be CONNECT. */
        AWAITING_CONNECT,
        /** CONNECT accepted; a session is attached. */
        CONNECTED,
        /** DISCONNECT received and the session detached; waiting for the client to close, watching for more input. */
        AFTER_DISCONNECT,
        /** Rejected or finished: input is discarded while the last output drains. */
        CLOSING,
        CLOSED
    }

    final Link link;
    final long id;
    final String remote;
    private final BrokerLog verboseLog;

    State state = State.AWAITING_CONNECT;
    /** The client id once CONNECT is accepted (assigned by the server for a zero-length one). */
    String clientId;
    Session session;
    /** The will of an accepted CONNECT until it is published or discarded; else null. */
    Will will;
    /** Whether CONNECT was refused with a CONNACK return code: what follows it is not processed. */
    boolean refused;
    /** Whether the accepted CONNECT had the will flag set. */
    boolean willFlag;
    int keepAliveSeconds;
    /** When CONNECT was accepted (System.nanoTime). */
    long connectedAt;
    /** The {@link Link#lastReceived} the current silence was recorded as a keep alive breach at; -1 for none. */
    private long silenceRecordedAt = -1;
    /** Where breaches of this connection's client are recorded; set at CONNECT. */
    ClientRecord record;
    /** Obligations already found overdue on this connection (see {@link ClientObligations}), so each counts once. */
    final Set<Long> overdueRecorded = new HashSet<>();
    /**
     * Client packet ids whose last answer (PUBACK or PUBCOMP) the broker holds back (exercise topic): still in use
     * by the client. The value is the PUBLISH for a held PUBACK, null for a held PUBCOMP.
     */
    final Map<Integer, Publish> idsHeld = new HashMap<>();

    /** {@code verboseLog} logs every packet sent; null for none. */
    Client(Link link, BrokerLog verboseLog) {
        this.link = link;
        this.id = link.id();
        this.remote = link.remote();
        this.verboseLog = verboseLog;
    }

    /** Queues {@code p} for sending; the loop writes it at the end of this turn. */
    void send(Packet p) {
        if (state == State.CLOSED) return;
        if (verboseLog != null) verboseLog.info("-> " + name() + " " + p);
        link.send(p);
    }

    /** Sends what is queued, then closes; what the client sends meanwhile is dropped unread. */
    void closeAfterOutput() {
        if (state == State.CLOSED) return;
        state = State.CLOSING;
        link.closeAfterOutput();
    }

    long pendingOutput() {
        return link.pendingOutput();
    }

    /** Whether the current silence was already recorded as a keep alive breach. */
    boolean silenceRecorded() {
        return silenceRecordedAt == link.lastReceived();
    }

    void recordSilence() {
        silenceRecordedAt = link.lastReceived();
    }

    /** The client id if known, else the remote address: how logs name this connection. */
    String name() {
        return clientId != null ? clientId : remote;
    }

    @Override
    public String toString() {
        return "Client[" + id + " " + name() + " " + state + "]";
    }
}
