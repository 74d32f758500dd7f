package mqttconf.broker;

import mqttconf.codec.Packet.Publish;

/**
 * The maximum of messages an offline persistent session holds. When it is full, a QoS 0 message is dropped
 * first (the oldest queued one, or the new one), and only then a new QoS 1 or 2 message. Never silent: the first
 * drop of an absence logs a line, the return of the client logs how many went.
 */
final class QueueLimit {
    private final int max;
    private final BrokerLog log;
    private volatile long dropped;

    QueueLimit(int max, BrokerLog log) {
        this.max = max;
        this.log = log;
    }

    /** Whether {@code message} may join the queue of offline {@code s}, after dropping a QoS 0 message if needed. */
    boolean admit(Session s, Publish message) {
        if (s.queueSize() < max) return true;
        if (message.qos() > 0) {
            Publish oldest = s.removeOldestQos0();
            if (oldest != null) {
                dropped(s, oldest);
                return true;
            }
        }
        dropped(s, message);
        return false;
    }

    private void dropped(Session s, Publish m) {
        if (s.droppedQos0 + s.droppedQos12 == 0) {
            log.info(s.clientId + " is offline with " + max + " messages queued, the maximum: dropping messages"
                    + " (QoS 0 first) until it returns; first dropped: QoS " + m.qos() + " to " + m.topic());
        }
        if (m.qos() == 0) s.droppedQos0++;
        else s.droppedQos12++;
        dropped++;
    }

    /** The client of {@code s} is back: says what its absence cost, if anything. */
    void resumed(Session s) {
        if (s.droppedQos0 + s.droppedQos12 == 0) return;
        log.info(s.clientId + " is back; dropped while it was offline: " + s.droppedQos0 + " QoS 0 and "
                + s.droppedQos12 + " QoS 1/2 messages (queue maximum " + max + ")");
        s.droppedQos0 = 0;
        s.droppedQos12 = 0;
    }

    /** Messages dropped since the start; any thread. */
    long dropped() {
        return dropped;
    }
}
