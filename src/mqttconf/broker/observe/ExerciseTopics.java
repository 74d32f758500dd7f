package mqttconf.broker.observe;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

import mqttconf.codec.Packet.Publish;
import mqttconf.codec.TopicRules;

/**
 * Topics under {@value #PREFIX} make the broker drive a client through the harder paths of the protocol, so a
 * library's tests can reach them by publishing or subscribing there; with Paho's test topics ({@value
 * #REFUSED_FILTER}, {@value #QOS0_ONLY_FILTER}, {@value #QOS1_ONLY_FILTER}) and the report topic. Each constant is a
 * topic or prefix; the README says what each one checks. They steer the core only through {@link BrokerEvents},
 * through which the {@link ClientObligations} also follow each connection.
 */
public final class ExerciseTopics implements BrokerEvents {
    public static final String PREFIX = "mqttconf/exercise/";
    /** QoS 1/2 deliveries here: the broker drops the connection right after sending the PUBLISH. */
    public static final String REDELIVER = PREFIX + "redeliver/";
    /** QoS 1/2 PUBLISH from the client here: the broker drops the connection without acknowledging it. */
    public static final String DROP_BEFORE_ACK = PREFIX + "drop-before-ack/";
    /** QoS 2 here: the flow is cut between PUBREC and PUBREL, in both directions. */
    public static final String INTERRUPT_QOS2 = PREFIX + "interrupt-qos2/";
    /** PUBLISH from the client here: PUBACK, PUBREC and PUBCOMP come {@link #SLOW_ACK_NANOS} late. */
    public static final String SLOW_ACK = PREFIX + "slow-ack/";
    public static final long SLOW_ACK_NANOS = 2_000_000_000L;
    /** Subscriptions to filters under these are granted at most QoS 0, at most QoS 1, or refused with 0x80. */
    public static final String GRANT_QOS0 = PREFIX + "grant-qos0/";
    public static final String GRANT_QOS1 = PREFIX + "grant-qos1/";
    public static final String REFUSE = PREFIX + "refuse/";
    /**
     * Subscribing to {@code RETAINED + "qos0"}, {@code "qos1"} or {@code "qos2"} brings a retained message at that
     * QoS, also through a filter with wildcards that starts with {@link #PREFIX} ({@code RETAINED + "+"}).
     */
    public static final String RETAINED = PREFIX + "retained/";
    private static final List<String> RETAINED_TOPICS = List.of(RETAINED + "qos0", RETAINED + "qos1", RETAINED + "qos2");
    /** Subscribing here brings the broker's report as one message (and writes the report files). */
    public static final String REPORT_TOPIC = "$SYS/mqttconf/report";
    /** Subscribing to this filter fails with 0x80, as in Paho's test broker. */
    public static final String REFUSED_FILTER = "test/nosubscribe";
    /** Subscriptions to these filters are granted at most QoS 0 and QoS 1, as in Paho's test broker. */
    public static final String QOS0_ONLY_FILTER = "test/QoS 0 only";
    public static final String QOS1_ONLY_FILTER = "test/QoS 1 only";

    private final Supplier<String> report;
    private final ClientObligations obligations;

    /**
     * {@code report} is what a subscription to {@link #REPORT_TOPIC} receives, called on the broker thread;
     * {@code obligations} check every connection.
     */
    public ExerciseTopics(Supplier<String> report, ClientObligations obligations) {
        this.report = report;
        this.obligations = obligations;
    }

    static boolean under(String topic, String prefix) {
        return topic.startsWith(prefix);
    }

    @Override
    public ClientEvents accepted(ClientView c) {
        return obligations.watch(c);
    }

    @Override
    public Answer publishArrived(Publish m, boolean persistent) {
        if (persistent && under(m.topic(), DROP_BEFORE_ACK)) return Answer.DROP_CONNECTION;
        if (under(m.topic(), SLOW_ACK)) return Answer.LATE;
        if (persistent && m.qos() == 2 && !m.dup() && under(m.topic(), INTERRUPT_QOS2)) return Answer.CUT_AFTER_ANSWER;
        return Answer.NOW;
    }

    @Override
    public Answer pubrelArrived(Publish m) {
        return under(m.topic(), SLOW_ACK) ? Answer.LATE : Answer.NOW;
    }

    @Override
    public long lateNanos() {
        return SLOW_ACK_NANOS;
    }

    @Override
    public int grant(String filter, int requested) {
        if (filter.equals(REFUSED_FILTER) || filter.startsWith(REFUSE)) return -1;
        if (filter.equals(QOS0_ONLY_FILTER) || filter.startsWith(GRANT_QOS0)) return 0;
        if (filter.equals(QOS1_ONLY_FILTER) || filter.startsWith(GRANT_QOS1)) return Math.min(1, requested);
        return requested;
    }

    @Override
    public List<Publish> subscribed(String filter, int granted) {
        List<String> retained = retainedTopics(filter);
        if (!retained.isEmpty()) {
            return retained.stream().map(topic -> {
                int qos = retainedQos(topic);
                byte[] payload = ("retained message at QoS " + qos).getBytes(StandardCharsets.UTF_8);
                return new Publish(topic, payload, qos, true, false, 0);
            }).toList();
        }
        if (filter.equals(REPORT_TOPIC)) {
            return List.of(new Publish(REPORT_TOPIC, report.get().getBytes(StandardCharsets.UTF_8), 0, false, false, 0));
        }
        return List.of();
    }

    @Override
    public boolean cutAfterDelivery(Publish m) {
        return under(m.topic(), REDELIVER);
    }

    @Override
    public boolean cutBeforePubrel(Publish m) {
        return under(m.topic(), INTERRUPT_QOS2);
    }

    /**
     * The synthetic retained topics {@code filter} matches. Only filters starting with {@link #PREFIX} bring them:
     * a catch-all subscriber ({@code #}) sees none.
     */
    static List<String> retainedTopics(String filter) {
        if (!filter.startsWith(PREFIX)) return List.of();
        return RETAINED_TOPICS.stream().filter(t -> TopicRules.matches(filter, t)).toList();
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
