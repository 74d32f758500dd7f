package mqttconf.broker.net;

import java.time.Duration;

/**
 * The limits the loop enforces by itself.
 *
 * @param maxPacketSize  largest packet accepted, fixed header included
 * @param maxOutputBytes bytes a peer may leave unread before the core hears it is too slow
 * @param connectTimeout time a new connection has before its first deadline
 * @param packetTimeout  time a packet has to arrive whole once its first byte came
 * @param maxConnections open connections beyond which new ones are closed at once
 * @param verbose        log connections lost while being set up
 */
public record NetLimits(int maxPacketSize, int maxOutputBytes, Duration connectTimeout, Duration packetTimeout,
                        int maxConnections, boolean verbose) { }
