package mqttconf.broker;

import java.util.ArrayList;
import java.util.List;

import mqttconf.broker.observe.BrokerEvents;
import mqttconf.codec.Packet.Publish;
import mqttconf.codec.Packet.SubAck;
import mqttconf.codec.Packet.Subscribe;
import mqttconf.codec.Packet.Subscription;
import mqttconf.codec.Packet.UnsubAck;
import mqttconf.codec.Packet.Unsubscribe;
import mqttconf.spec.Coverage;

/** SUBSCRIBE and UNSUBSCRIBE; what is granted, and what a new subscription gets besides, the events may change. */
final class SubscribeHandler {
    private final Coverage coverage;
    private final TopicTree topics;
    private final Delivery delivery;
    private final BrokerEvents events;

    SubscribeHandler(Coverage coverage, TopicTree topics, Delivery delivery, BrokerEvents events) {
        this.coverage = coverage;
        this.topics = topics;
        this.delivery = delivery;
        this.events = events;
    }

    void subscribe(Client c, Session s, Subscribe p) {
        List<Integer> codes = new ArrayList<>(p.subscriptions().size());
        List<Subscription> granted = new ArrayList<>(p.subscriptions().size());
        if (p.subscriptions().size() > 1) coverage.exercised("MQTT-3.8.4-4");
        for (Subscription sub : p.subscriptions()) {
            String filter = sub.filter();
            int qos = events.grant(filter, sub.qos());
            if (qos < 0) {
                codes.add(SubAck.FAILURE);
                continue;
            }
            if (topics.add(filter, s, qos)) coverage.exercised("MQTT-3.8.4-3");
            s.putSubscription(filter, qos);
            codes.add(qos);
            granted.add(new Subscription(filter, qos));
        }
        coverage.exercised("MQTT-3.8.4-1");
        coverage.exercised("MQTT-3.8.4-2");
        coverage.exercised("MQTT-2.3.1-7");
        coverage.exercised("MQTT-3.8.4-5");
        if (p.subscriptions().size() > 1) coverage.exercised("MQTT-3.9.3-1");
        coverage.exercised("MQTT-3.9.3-2");
        c.send(new SubAck(p.packetId(), codes));
        // Retained messages follow the SUBACK, also for a replaced subscription [MQTT-3.8.4-3].
        for (Subscription g : granted) {
            delivery.retainedFor(s, g.filter(), g.qos());
            for (Publish extra : events.subscribed(g.filter(), g.qos())) {
                if (extra.retain()) delivery.sendRetained(s, extra, g.qos());
                else delivery.sendTo(s, extra);
            }
        }
    }

    void unsubscribe(Client c, Session s, Unsubscribe p) {
        if (p.filters().size() > 1) coverage.exercised("MQTT-3.10.4-6");
        boolean any = false;
        for (String filter : p.filters()) {
            // Compared character by character against the filters held, when there are any.
            if (!s.subscriptions().isEmpty()) coverage.exercised("MQTT-3.10.4-1");
            if (s.subscriptions().remove(filter) != null) {
                topics.remove(filter, s);
                any = true;
                coverage.exercised("MQTT-3.10.4-2");
                // Flows already started stay in the session and complete normally.
                if (!s.inflightMap().isEmpty()) coverage.exercised("MQTT-3.10.4-3");
            }
        }
        if (!any) coverage.exercised("MQTT-3.10.4-5");
        coverage.exercised("MQTT-3.10.4-4");
        coverage.exercised("MQTT-2.3.1-7");
        c.send(new UnsubAck(p.packetId()));
    }
}
