package mqttconf.broker;

/**
 * What the broker holds at one moment, for leak checks and limits.
 *
 * @param openConnections    sockets accepted and not yet closed
 * @param sessions           sessions by client id, connected or not
 * @param queuedMessages     messages waiting in all sessions' queues
 * @param refusedConnections connections closed at accept because the maximum was open, since the start
 * @param droppedMessages    messages dropped from full offline queues, since the start
 */
public record BrokerStats(int openConnections, int sessions, long queuedMessages, long refusedConnections,
                          long droppedMessages) { }
