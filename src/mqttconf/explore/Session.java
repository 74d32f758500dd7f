package mqttconf.explore;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A server-side session, one per slot's client id. */
final class Session {
    boolean exists;
    boolean persistent;
    boolean online;
    int connection;
    final Map<String, Integer> subscriptions = new LinkedHashMap<>();
    final List<Expect> expects = new ArrayList<>();
    /** Deliveries seen and not yet acknowledged, by packet id. */
    final Map<Integer, Model.Msg> outbound = new LinkedHashMap<>();
    /** QoS 2 deliveries acknowledged with PUBREC whose PUBREL is due. */
    final Map<Integer, Model.Msg> pubRelDue = new LinkedHashMap<>();
    /** Acknowledged on an earlier connection: the server may not have read the acknowledgement before the close. */
    final Map<Integer, Model.Msg> ackedBefore = new HashMap<>();
    final Set<Integer> completedBefore = new LinkedHashSet<>();
    /** Acknowledgements sent on this connection. */
    final Map<Integer, Model.Msg> ackedNow = new HashMap<>();
    final Set<Integer> completedNow = new LinkedHashSet<>();
    /** Resends due on this connection [MQTT-4.4.0-1]: packet id to message. */
    final Map<Integer, Model.Msg> resendDue = new LinkedHashMap<>();
    final Map<String, Integer> lastInOrder = new HashMap<>();
    /** Filters unsubscribed on this session: a later message matching only these must not come [MQTT-3.10.4-2]. */
    final Set<String> removed = new LinkedHashSet<>();
    /** Filters of a discarded session: their state MUST NOT be reused by a later session [MQTT-3.1.2-6]. */
    final Set<String> discarded = new LinkedHashSet<>();
}
