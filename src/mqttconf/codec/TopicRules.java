package mqttconf.codec;

/** Syntax of topic names and topic filters (section 4.7). */
public final class TopicRules {
    private TopicRules() {
    }

    /**
     * A topic name as a PUBLISH or a will carries it: at least one character, no wildcards.
     *
     * @param wildcardId the statement a wildcard breaks where this name is used
     */
    public static void checkName(String topic, String wildcardId) throws MalformedPacketException {
        if (topic.isEmpty()) throw new MalformedPacketException("MQTT-4.7.3-1", "empty topic name");
        for (int i = 0; i < topic.length(); i++) {
            char c = topic.charAt(i);
            if (c == '+' || c == '#')
                throw new MalformedPacketException(wildcardId, "topic name '" + topic + "' contains wildcard '" + c + "'");
        }
    }

    /** A topic filter as SUBSCRIBE and UNSUBSCRIBE carry it. */
    public static void checkFilter(String filter) throws MalformedPacketException {
        if (filter.isEmpty()) throw new MalformedPacketException("MQTT-4.7.3-1", "empty topic filter");
        int n = filter.length();
        for (int i = 0; i < n; i++) {
            char c = filter.charAt(i);
            boolean levelStart = i == 0 || filter.charAt(i - 1) == '/';
            boolean levelEnd = i == n - 1 || filter.charAt(i + 1) == '/';
            if (c == '#' && !(levelStart && i == n - 1))
                throw new MalformedPacketException("MQTT-4.7.1-2", "'#' not alone as the last level in topic filter '" + filter + "'");
            if (c == '+' && !(levelStart && levelEnd))
                throw new MalformedPacketException("MQTT-4.7.1-3", "'+' not occupying a whole level in topic filter '" + filter + "'");
        }
    }

    /** True if the filter contains a wildcard character. */
    public static boolean hasWildcard(String filter) {
        return filter.indexOf('+') >= 0 || filter.indexOf('#') >= 0;
    }

    /**
     * Whether {@code filter} matches {@code topic} (section 4.7): level by level, '+' one level, '#' the rest, and
     * a topic starting with '$' not matched by a filter starting with a wildcard [MQTT-4.7.2-1].
     */
    public static boolean matches(String filter, String topic) {
        String[] f = filter.split("/", -1);
        String[] t = topic.split("/", -1);
        if (topic.startsWith("$") && (f[0].equals("#") || f[0].equals("+"))) return false;
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals("#")) return true;
            if (i >= t.length) return false;
            if (!f[i].equals("+") && !f[i].equals(t[i])) return false;
        }
        return f.length == t.length;
    }
}
