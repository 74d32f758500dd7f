package mqttconf.broker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import mqttconf.codec.Packet.Publish;
import mqttconf.codec.TopicRules;
import mqttconf.spec.Coverage;
import mqttconf.spec.Statement;
import mqttconf.spec.Statements;

/** The last retained message of each topic. Not session state: it outlives every session [MQTT-3.1.2-7]. */
final class RetainedStore {

    private final Map<String, Publish> byTopic = new LinkedHashMap<>();
    private final Coverage coverage;

    RetainedStore(Coverage coverage) {
        this.coverage = coverage;
    }

    /** Stores, replaces or (for an empty payload) removes the retained message of the message's topic. */
    void store(Publish message) {
        if (message.payload().length == 0) {
            if (byTopic.remove(message.topic()) != null) coverage.exercised("MQTT-3.3.1-10");
            coverage.exercised("MQTT-3.3.1-11");
            return;
        }
        Publish before = byTopic.put(message.topic(),
                new Publish(message.topic(), message.payload(), message.qos(), true, false, 0));
        coverage.exercised("MQTT-3.3.1-5");
        if (message.qos() == 0 && before != null) coverage.exercised("MQTT-3.3.1-7");
    }

    /** The retained messages whose topic {@code filter} matches, in the order they were first stored. */
    List<Publish> matching(String filter) {
        List<Publish> out = new ArrayList<>();
        for (Publish p : byTopic.values()) {
            if (TopicRules.matches(filter, p.topic())) out.add(p);
        }
        return out;
    }

    int size() {
        return byTopic.size();
    }
}
