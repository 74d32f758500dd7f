package mqttconf.broker;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import mqttconf.spec.Coverage;
import mqttconf.spec.Statement;
import mqttconf.spec.Statements;

/**
 * Subscriptions of all sessions, as a tree of topic levels, matched with {@code +} and {@code #} (section 4.7).
 * Levels are compared as exact strings: no normalization of any kind [MQTT-4.7.3-4].
 */
final class TopicTree {

    /** One subscription that matched a topic name. */
    record Match(Session session, String filter, int qos) { }

    private static final class Node {
        final String filter;
        final Map<String, Node> children = new HashMap<>();
        /** Subscribers whose filter ends at this node, with their granted QoS; insertion order is subscribe order. */
        final Map<Session, Integer> subscribers = new LinkedHashMap<>();

        Node(String filter) {
            this.filter = filter;
        }
    }

    private final Node root = new Node(null);
    private final Coverage coverage;

    TopicTree(Coverage coverage) {
        this.coverage = coverage;
    }

    /** Adds or replaces the subscription of {@code session} to {@code filter}; true if it replaced one. */
    boolean add(String filter, Session session, int qos) {
        Node n = root;
        String[] levels = filter.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            String path = i == levels.length - 1 ? filter : null;
            n = n.children.computeIfAbsent(levels[i], k -> new Node(path));
        }
        return n.subscribers.put(session, qos) != null;
    }

    /** Removes the subscription of {@code session} to exactly {@code filter}; true if there was one. */
    boolean remove(String filter, Session session) {
        return remove(root, filter.split("/", -1), 0, session);
    }

    private static boolean remove(Node n, String[] levels, int i, Session session) {
        if (i == levels.length) return n.subscribers.remove(session) != null;
        Node child = n.children.get(levels[i]);
        if (child == null) return false;
        boolean removed = remove(child, levels, i + 1, session);
        if (child.subscribers.isEmpty() && child.children.isEmpty()) n.children.remove(levels[i]);
        return removed;
    }

    /** Every subscription whose filter matches {@code topic}, grouped by filter. */
    List<Match> match(String topic) {
        List<Match> out = new ArrayList<>();
        coverage.exercised("MQTT-4.7.3-4");
        collect(root, topic.split("/", -1), 0, topic.startsWith("$"), out);
        return out;
    }

    private void collect(Node n, String[] levels, int i, boolean dollar, List<Match> out) {
        boolean wildcardsAllowed = !(dollar && i == 0);
        if (!wildcardsAllowed && (n.children.containsKey("#") || n.children.containsKey("+"))) {
            coverage.exercised("MQTT-4.7.2-1");
        }
        Node multi = n.children.get("#");
        if (multi != null && wildcardsAllowed) addAll(multi, out);
        if (i == levels.length) {
            addAll(n, out);
            return;
        }
        Node exact = n.children.get(levels[i]);
        if (exact != null) collect(exact, levels, i + 1, dollar, out);
        Node single = n.children.get("+");
        if (single != null && wildcardsAllowed) collect(single, levels, i + 1, dollar, out);
    }

    private static void addAll(Node n, List<Match> out) {
        n.subscribers.forEach((s, q) -> out.add(new Match(s, n.filter, q)));
    }
}
