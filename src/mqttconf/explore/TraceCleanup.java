package mqttconf.explore;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import mqttconf.client.TestClient;
import mqttconf.codec.Packet;
import mqttconf.codec.Packet.Disconnect;
import mqttconf.codec.Packet.PingReq;
import mqttconf.codec.Packet.PingResp;
import mqttconf.codec.Packet.Publish;
import mqttconf.suite.RunConfig;

/**
 * Removes what a trace left on the server: its retained messages (a zero-byte retained PUBLISH each
 * [MQTT-3.3.1-10]) and its kept sessions (a CONNECT with cleanSession 1 for each [MQTT-3.1.2-6]). The trace's
 * names are its own, so nothing waits for more than each cleanup connection's PINGRESP.
 */
final class TraceCleanup {
    private TraceCleanup() {
    }

    static void run(RunConfig config, Driver.Names names, Set<String> retainedTopics, List<Integer> keptSessions)
            throws InterruptedException {
        List<Integer> slots = new ArrayList<>(keptSessions);
        if (!retainedTopics.isEmpty() && !slots.contains(0)) slots.add(0, 0);
        List<TestClient> open = new ArrayList<>();
        try {
            for (int c : slots) {
                TestClient t = config.dialer().open(config.host(), config.port(), config.timeout(), "cleanup");
                open.add(t);
                Packet.Connect connect = Packet.Connect.of(names.clientId(c), true, 60);
                if (config.username() != null) connect = connect.withCredentials(config.username(), config.password());
                List<Packet> out = new ArrayList<>(List.of(connect));
                if (c == 0) {
                    for (String topic : retainedTopics) out.add(new Publish(names.topic(topic), new byte[0], 0, true, false, 0));
                }
                out.add(new PingReq());
                t.sendTogether(out);
            }
            for (TestClient t : open) {
                t.await(PingResp.class, config.timeout());
                t.send(new Disconnect());
            }
        } catch (IOException ignored) {
            // best effort: the trace's names are never used again
        } finally {
            for (TestClient t : open) t.close();
        }
    }
}
