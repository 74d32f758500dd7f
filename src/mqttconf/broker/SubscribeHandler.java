package mqttconf.broker;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import mqttconf.codec.Packet.Publish;
import mqttconf.codec.Packet.SubAck;
import mqttconf.codec.Packet.Subscribe;
import mqttconf.codec.Packet.Subscription;
import mqttconf.codec.Packet.UnsubAck;
import mqttconf.codec.Packet.Unsubscribe;
import mqttconf.spec.Coverage;
import mqttconf.spec.Statement;
import mqttconf.spec.Statements;

/** SUBSCRIBE and UNSUBSCRIBE, with Paho's test topics that refuse or cap a subscription. */
final class SubscribeHandler {
    /** Subscribing to this filter fails with 0x80, as in Paho's test broker. */
    static final String REFUSED_FILTER = "test/nosubscribe";
    /** Subscriptions to these filters are granted at most QoS 0 and QoS 1. */
    static final String QOS0_ONLY_FILTER = "test/QoS 0 only";
    static final String QOS1_ONLY_FILTER = "test/QoS 1 only";

    private static final Statement SUBACK_SENT = Statements.get("MQTT-3.8.4-1");
    private static final Statement SUBACK_SAME_ID = Statements.get("MQTT-3.8.4-2");
    private static final Statement IDENTICAL_FILTER_REPLACES = Statements.get("MQTT-3.8.4-3");
    private static final Statement MULTIPLE_FILTERS_AS_SEQUENCE = Statements.get("MQTT-3.8.4-4");
    private static final Statement RETURN_CODE_PER_FILTER = Statements.get("MQTT-3.8.4-5");
    private static final Statement RETURN_CODES_IN_ORDER = Statements.get("MQTT-3.9.3-1");
    private static final Statement ONLY_DEFINED_RETURN_CODES = Statements.get("MQTT-3.9.3-2");
    private static final Statement ACK_SAME_ID = Statements.get("MQTT-2.3.1-7");
    private static final Statement UNSUBSCRIBE_EXACT_MATCH = Statements.get("MQTT-3.10.4-1");
    private static final Statement UNSUBSCRIBE_STOPS_NEW = Statements.get("MQTT-3.10.4-2");
    private static final Statement UNSUBSCRIBE_COMPLETES_INFLIGHT = Statements.get("MQTT-3.10.4-3");
    private static final Statement UNSUBACK_SENT = Statements.get("MQTT-3.10.4-4");
    private static final Statement UNSUBACK_EVEN_IF_NONE = Statements.get("MQTT-3.10.4-5");
    private static final Statement MULTIPLE_UNSUBSCRIBE_ONE_ACK = Statements.get("MQTT-3.10.4-6");

    private final Coverage coverage;
    private final TopicTree topics;
    private final Delivery delivery;
    private final Supplier<String> report;

    SubscribeHandler(Coverage coverage, TopicTree topics, Delivery delivery, Supplier<String> report) {
        this.coverage = coverage;
        this.topics = topics;
        this.delivery = delivery;
        this.report = report;
    }

    void subscribe(Connection c, Session s, Subscribe p) {
        List<Integer> codes = new ArrayList<>(p.subscriptions().size());
        List<Subscription> granted = new ArrayList<>(p.subscriptions().size());
        if (p.subscriptions().size() > 1) coverage.exercised(MULTIPLE_FILTERS_AS_SEQUENCE);
        for (Subscription sub : p.subscriptions()) {
            String filter = sub.filter();
            if (filter.equals(REFUSED_FILTER) || filter.startsWith(Exercises.REFUSE)) {
                codes.add(SubAck.FAILURE);
                continue;
            }
            int qos = sub.qos();
            if (filter.equals(QOS0_ONLY_FILTER) || filter.startsWith(Exercises.GRANT_QOS0)) qos = 0;
            if (filter.equals(QOS1_ONLY_FILTER) || filter.startsWith(Exercises.GRANT_QOS1)) qos = Math.min(1, qos);
            if (topics.add(filter, s, qos)) coverage.exercised(IDENTICAL_FILTER_REPLACES);
            s.subscriptions.put(filter, qos);
            codes.add(qos);
            granted.add(new Subscription(filter, qos));
        }
        coverage.exercised(SUBACK_SENT);
        coverage.exercised(SUBACK_SAME_ID);
        coverage.exercised(ACK_SAME_ID);
        coverage.exercised(RETURN_CODE_PER_FILTER);
        coverage.exercised(RETURN_CODES_IN_ORDER);
        coverage.exercised(ONLY_DEFINED_RETURN_CODES);
        c.send(new SubAck(p.packetId(), codes));
        // Retained messages follow the SUBACK, also for a replaced subscription [MQTT-3.8.4-3].
        for (Subscription g : granted) {
            delivery.retainedFor(s, g.filter(), g.qos());
            for (String topic : Exercises.retainedTopics(g.filter())) {
                int exerciseQos = Exercises.retainedQos(topic);
                byte[] payload = ("retained message at QoS " + exerciseQos).getBytes(StandardCharsets.UTF_8);
                delivery.sendRetained(s, new Publish(topic, payload, exerciseQos, true, false, 0), g.qos());
            }
            if (g.filter().equals(Exercises.REPORT_TOPIC)) {
                byte[] text = report.get().getBytes(StandardCharsets.UTF_8);
                delivery.sendTo(s, new Publish(Exercises.REPORT_TOPIC, text, 0, false, false, 0));
            }
        }
    }

    void unsubscribe(Connection c, Session s, Unsubscribe p) {
        if (p.filters().size() > 1) coverage.exercised(MULTIPLE_UNSUBSCRIBE_ONE_ACK);
        boolean any = false;
        for (String filter : p.filters()) {
            coverage.exercised(UNSUBSCRIBE_EXACT_MATCH);
            if (s.subscriptions.remove(filter) != null) {
                topics.remove(filter, s);
                any = true;
                coverage.exercised(UNSUBSCRIBE_STOPS_NEW);
                // Flows already started stay in the session and complete normally.
                if (!s.inflight.isEmpty()) coverage.exercised(UNSUBSCRIBE_COMPLETES_INFLIGHT);
            }
        }
        if (!any) coverage.exercised(UNSUBACK_EVEN_IF_NONE);
        coverage.exercised(UNSUBACK_SENT);
        coverage.exercised(ACK_SAME_ID);
        c.send(new UnsubAck(p.packetId()));
    }
}
