package mqttconf.explore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Seeded traces over 2 to 5 client slots. Every step is valid where it stands (a slot publishes only while
 * connected). Biased toward what matters: publishes on topics some subscription matches, overlapping filters,
 * persistent sessions resumed, deliveries held unacknowledged across a drop or an unsubscribe, takeovers; and
 * toward steps whose statements no trace has reached yet.
 */
final class Generator {
    /** The statements a kind of step can reach: steps whose statements are not all reached weigh three times more. */
    private static final Map<String, List<String>> REACHES = Map.of(
            "resume", List.of("MQTT-3.2.2-2", "MQTT-4.4.0-1", "MQTT-3.1.2-5"),
            "will", List.of("MQTT-3.1.2-8", "MQTT-3.1.2-16", "MQTT-3.1.2-17"),
            "disconnect", List.of("MQTT-3.14.4-3"),
            "subscribe", List.of("MQTT-3.3.1-6", "MQTT-3.3.1-8", "MQTT-3.8.4-3", "MQTT-3.8.4-4", "MQTT-3.3.5-1"),
            "unsubscribe", List.of("MQTT-3.10.4-1", "MQTT-3.10.4-5"),
            "retain", List.of("MQTT-3.3.1-5", "MQTT-3.3.1-7", "MQTT-3.3.1-10", "MQTT-3.3.1-11"),
            "hold", List.of("MQTT-4.3.3-1", "MQTT-4.4.0-1", "MQTT-3.3.1-1"));

    private final Random random;
    private final int clients;
    private final Set<String> reached;
    private Step.Publish lastPublish;

    Generator(long seed, int clients, Set<String> reached) {
        this.random = new Random(seed);
        this.clients = clients;
        this.reached = reached;
    }

    List<Step> trace(int minSteps, int maxSteps) {
        int length = minSteps + random.nextInt(maxSteps - minSteps + 1);
        boolean[] connected = new boolean[clients];
        boolean[] holding = new boolean[clients];
        boolean[] kept = new boolean[clients];
        List<List<String>> subs = new ArrayList<>();
        for (int i = 0; i < clients; i++) subs.add(new ArrayList<>());
        List<Step> out = new ArrayList<>();
        while (out.size() < length) {
            int c = random.nextInt(clients);
            Step s = connected[c] ? connectedStep(c, holding[c], subs.get(c), subs) : connect(c, kept[c]);
            switch (s) {
                case Step.Connect x -> {
                    connected[c] = true;
                    kept[c] = !x.clean();
                    holding[c] = false;
                    if (x.clean()) subs.get(c).clear();
                }
                case Step.Disconnect x -> {
                    connected[c] = false;
                    if (!kept[c]) subs.get(c).clear();
                }
                case Step.Drop x -> {
                    connected[c] = false;
                    if (!kept[c]) subs.get(c).clear();
                }
                case Step.Subscribe x -> subs.get(c).addAll(x.filters());
                case Step.Unsubscribe x -> subs.get(c).remove(x.filter());
                case Step.Hold x -> holding[c] = true;
                case Step.Release x -> holding[c] = false;
                case Step.Publish x -> { }
            }
            out.add(s);
        }
        return out;
    }

    private Step connect(int c, boolean kept) {
        boolean clean = random.nextInt(kept ? 4 : 2) == 0;
        boolean will = random.nextInt(100) < weight("will", 35);
        return new Step.Connect(c, clean, will ? random.nextInt(3) : -1, will && random.nextInt(3) == 0);
    }

    private Step connectedStep(int c, boolean holding, List<String> own, List<List<String>> all) {
        int[] w = {
                weight("subscribe", 20), weight("unsubscribe", own.isEmpty() ? 0 : 6), 34,
                weight("disconnect", 5), weight("will", 6), 3, weight("hold", holding ? 0 : 5), holding ? 8 : 0,
        };
        int total = 0;
        for (int x : w) total += x;
        int r = random.nextInt(total);
        int kind = 0;
        while (r >= w[kind]) r -= w[kind++];
        return switch (kind) {
            case 0 -> subscribe(c, all);
            case 1 -> new Step.Unsubscribe(c, own.get(random.nextInt(own.size())));
            case 2 -> publish(c);
            case 3 -> new Step.Disconnect(c);
            case 4 -> new Step.Drop(c);
            case 5 -> new Step.Connect(c, random.nextBoolean(), random.nextInt(4) == 0 ? random.nextInt(3) : -1, false);
            case 6 -> new Step.Hold(c);
            default -> new Step.Release(c);
        };
    }

    private Step subscribe(int c, List<List<String>> all) {
        int n = random.nextInt(5) == 0 ? 2 : 1;
        List<String> filters = new ArrayList<>();
        while (filters.size() < n) {
            String f = Step.FILTERS.get(random.nextInt(Step.FILTERS.size()));
            // Often the same filter as another client, or again (a replacement [MQTT-3.8.4-3]).
            if (random.nextInt(4) == 0 && !all.get(c).isEmpty()) f = all.get(c).get(random.nextInt(all.get(c).size()));
            if (!filters.contains(f)) filters.add(f);
        }
        return new Step.Subscribe(c, filters, random.nextInt(3));
    }

    private Step publish(int c) {
        // Runs of the same message kind from one client: what ordering [MQTT-4.6.0-6] is about.
        if (lastPublish != null && lastPublish.client() == c && random.nextInt(3) == 0) {
            return new Step.Publish(c, lastPublish.topic(), lastPublish.qos(), false, false);
        }
        lastPublish = publishAnew(c);
        return lastPublish;
    }

    private Step.Publish publishAnew(int c) {
        String topic = Step.TOPICS.get(random.nextInt(Step.TOPICS.size()));
        boolean retain = random.nextInt(100) < weight("retain", 20);
        boolean empty = retain && random.nextInt(5) == 0;
        return new Step.Publish(c, topic, random.nextInt(3), retain, empty);
    }

    private int weight(String kind, int base) {
        for (String id : REACHES.get(kind)) if (!reached.contains(id)) return base * 3;
        return base;
    }
}
