package mqttconf.broker.net;

import mqttconf.codec.MalformedPacketException;
import mqttconf.codec.Packet;

/**
 * The protocol core as the event loop sees it: told of every connection, packet and expiry, it answers through
 * the {@link Link}. {@code C} is what the core keeps per connection. Loop thread only.
 */
public interface LinkHandler<C> {
    /** A connection was accepted; returns the core's state for it. */
    C accepted(Link link);

    /** A whole packet arrived. */
    void received(C client, Packet p);

    /** Bytes that are no packet arrived; the core closes. */
    void malformed(C client, MalformedPacketException e);

    /** Bytes arrived while the connection was closing and were dropped unread. */
    void discarded(C client);

    /** The deadline the core set passed. */
    void expired(C client);

    /** A packet begun was not whole within the packet timeout. */
    void packetTimedOut(C client);

    /** The peer leaves more output unread than allowed. */
    void tooSlow(C client);

    /** The socket took all pending output. */
    void outputDrained(C client);

    /** The peer closed its end after the core half-closed ({@link Link#halfCloseAfterOutput}). */
    void closedByClientAfterDisconnect(C client);

    /** The connection is closed, for whatever reason; nothing more will come. */
    void closed(C client, String reason);

    /** Handling a packet threw. */
    void internalError(C client, Packet p, RuntimeException e);
}
