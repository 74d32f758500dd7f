package mqttconf.broker;

/**
 * Topics under {@value #PREFIX} make the broker drive a client through the harder paths of the protocol, so a
 * library's tests can reach them by publishing or subscribing there. Each constant is a topic prefix; the README
 * says what each one checks.
 */
final class Exercises {
    static final String PREFIX = "mqttconf/exercise/";
    /** QoS 1/2 deliveries here: the broker drops the connection right after sending the PUBLISH. */
    static final String REDELIVER = PREFIX + "redeliver/";
    /** QoS 1/2 PUBLISH from the client here: the broker drops the connection without acknowledging it. */
    static final String DROP_BEFORE_ACK = PREFIX + "drop-before-ack/";
    /** QoS 2 here: the flow is cut between PUBREC and PUBREL, in both directions. */
    static final String INTERRUPT_QOS2 = PREFIX + "interrupt-qos2/";
    /** PUBLISH from the client here: PUBACK, PUBREC and PUBCOMP come {@link #SLOW_ACK_NANOS} late. */
    static final String SLOW_ACK = PREFIX + "slow-ack/";
    static final long SLOW_ACK_NANOS = 2_000_000_000L;
    /** Subscriptions to filters under these are granted at most QoS 0, at most QoS 1, or refused with 0x80. */
    static final String GRANT_QOS0 = PREFIX + "grant-qos0/";
    static final String GRANT_QOS1 = PREFIX + "grant-qos1/";
    static final String REFUSE = PREFIX + "refuse/";
    /**
     * Subscribing to {@code RETAINED + "qos0"}, {@code "qos1"} or {@code "qos2"} brings a retained message at that
     * QoS, also through a filter with wildcards that starts with {@link #PREFIX} ({@code RETAINED + "+"}).
     */
    static final String RETAINED = PREFIX + "retained/";
    private static final java.util.List<String> RETAINED_TOPICS = java.util.List.of(RETAINED + "qos0", RETAINED + "qos1", RETAINED + "qos2");
    /** Subscribing here brings the broker's report as one message (and writes the report files). */
    static final String REPORT_TOPIC = "$SYS/mqttconf/report";

    private Exercises() {
    }

    static boolean under(String topic, String prefix) {
        return topic.startsWith(prefix);
    }

    /**
     * The synthetic retained topics {@code filter} matches. Only filters starting with {@link #PREFIX} bring them:
     * a catch-all subscriber ({@code #}) sees none.
     */
    static java.util.List<String> retainedTopics(String filter) {
        if (!filter.startsWith(PREFIX)) return java.util.List.of();
        return RETAINED_TOPICS.stream().filter(t -> mqttconf.codec.TopicRules.matches(filter, t)).toList();
    }

    /** The QoS a synthetic retained message of {@code topic} has, or -1 if the topic is not one of them. */
    static int retainedQos(String topic) {
        return switch (topic) {
            case RETAINED + "qos0" -> 0;
            case RETAINED + "qos1" -> 1;
            case RETAINED + "qos2" -> 2;
            default -> -1;
        };
    }
}
