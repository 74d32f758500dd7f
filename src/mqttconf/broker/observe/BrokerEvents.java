package mqttconf.broker.observe;

import java.util.List;

import mqttconf.codec.Packet.Publish;

/**
 * The points where the protocol core lets an observer steer what it may legally do differently: answer late,
 * drop or cut a connection, grant less, add messages for a new subscription; and where it hands each connection to
 * the observer's {@link ClientEvents}. The core calls these and nothing else of an observer; {@link #NONE} changes
 * nothing and watches nothing. The broker runs with {@link ExerciseTopics} and its {@link ClientObligations}.
 */
public interface BrokerEvents {
    /** No observer: every answer now, every subscription as asked, no cut. */
    BrokerEvents NONE = new BrokerEvents() { };

    /** A connection was accepted: what observes it from now on. */
    default ClientEvents accepted(ClientView c) {
        return ClientEvents.NONE;
    }

    /** How the core answers a client's PUBLISH (PUBACK, PUBREC) or PUBREL (PUBCOMP). */
    enum Answer {
        /** At once. */
        NOW,
        /** After {@link #lateNanos()}; the packet id stays in use by the client until then. */
        LATE,
        /** Not at all: the connection is closed unanswered (the client must resend after reconnecting). */
        DROP_CONNECTION,
        /** At once, then the connection is closed after that output (QoS 2: cut between PUBREC and PUBREL). */
        CUT_AFTER_ANSWER
    }

    /**
     * A client's new QoS 1 or 2 PUBLISH (not a resend, not a repeat of the last one dropped) is about to be
     * answered; {@code persistent} when its session has clean session 0.
     */
    default Answer publishArrived(Publish m, boolean persistent) {
        return Answer.NOW;
    }

    /** A client's PUBREL for {@code m} is about to be answered with PUBCOMP: {@link Answer#NOW} or {@link Answer#LATE}. */
    default Answer pubrelArrived(Publish m) {
        return Answer.NOW;
    }

    /** How long a {@link Answer#LATE} answer waits. */
    default long lateNanos() {
        return 0;
    }

    /** The QoS granted to a subscription to {@code filter} that asked for {@code requested}; -1 refuses it (0x80). */
    default int grant(String filter, int requested) {
        return requested;
    }

    /** Messages a new subscription to {@code filter} gets after its retained ones, sent to that client only. */
    default List<Publish> subscribed(String filter, int granted) {
        return List.of();
    }

    /** A QoS 1 or 2 delivery to a persistent session was sent: true closes the connection after it. */
    default boolean cutAfterDelivery(Publish m) {
        return false;
    }

    /** PUBREC came for a QoS 2 delivery to a persistent session: true closes the connection before PUBREL. */
    default boolean cutBeforePubrel(Publish m) {
        return false;
    }
}
