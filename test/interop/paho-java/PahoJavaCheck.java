import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * The Eclipse Paho Java client (from Maven Central) against a broker: QoS 0/1/2 both ways, retained set and
 * clear, offline queueing for a persistent session, and a will after an abrupt close. Prints PASS/FAIL lines;
 * exit status 1 if any check failed. Usage: PahoJavaCheck tcp://127.0.0.1:PORT
 */
public final class PahoJavaCheck {
    private static final long WAIT_SECONDS = 5;
    private static int failures;

    record Received(String topic, String payload, int qos, boolean retained) { }

    public static void main(String[] args) throws Exception {
        String uri = args[0];
        String run = Long.toString(System.nanoTime() % 1_000_000, 36);
        String base = "interop/paho-java/" + run;

        BlockingQueue<Received> inbox = new LinkedBlockingQueue<>();
        MqttClient sub = client(uri, "pjsub" + run);
        sub.setCallback(new Callback(inbox));
        sub.connect(options(true));
        sub.subscribe(base + "/#", 2);
        MqttClient pub = client(uri, "pjpub" + run);
        pub.connect(options(true));

        for (int qos = 0; qos <= 2; qos++) {
            pub.publish(base + "/q" + qos, payload("qos" + qos), qos, false);
            Received r = inbox.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            check("publish and receive at QoS " + qos, r != null && r.payload.equals("qos" + qos) && r.qos == qos, r);
        }

        pub.publish(base + "/retained", payload("kept"), 1, true);
        inbox.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        MqttClient late = client(uri, "pjlate" + run);
        BlockingQueue<Received> lateInbox = new LinkedBlockingQueue<>();
        late.setCallback(new Callback(lateInbox));
        late.connect(options(true));
        late.subscribe(base + "/retained", 1);
        Received r = lateInbox.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        check("retained message sent to a new subscriber with RETAIN set", r != null && r.retained && r.payload.equals("kept"), r);
        pub.publish(base + "/retained", new byte[0], 1, true);
        inbox.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        r = lateInbox.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        check("empty retained message delivered to an existing subscriber without RETAIN", r != null && !r.retained && r.payload.isEmpty(), r);
        late.unsubscribe(base + "/retained");
        late.subscribe(base + "/retained", 1);
        r = lateInbox.poll(1, TimeUnit.SECONDS);
        check("empty retained message clears it", r == null, r);
        late.disconnect();
        late.close();

        MqttClient offline = client(uri, "pjoff" + run);
        BlockingQueue<Received> offlineInbox = new LinkedBlockingQueue<>();
        offline.setCallback(new Callback(offlineInbox));
        offline.connect(options(false));
        offline.subscribe(base + "/offline", 1);
        offline.disconnect();
        pub.publish(base + "/offline", payload("while away"), 1, false);
        inbox.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        offline.connect(options(false));
        r = offlineInbox.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        check("QoS 1 message queued for a persistent session while offline", r != null && r.payload.equals("while away"), r);
        offline.disconnect();
        offline.connect(options(true));
        offline.disconnect();
        offline.close();

        MqttClient dying = client(uri, "pjwill" + run);
        MqttConnectOptions withWill = options(true);
        withWill.setWill(base + "/will", payload("gone"), 1, false);
        dying.connect(withWill);
        dying.disconnectForcibly(0, 1000, false);
        r = inbox.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        check("will published after a close without DISCONNECT", r != null && r.topic.endsWith("/will") && r.payload.equals("gone"), r);
        dying.close();

        pub.disconnect();
        pub.close();
        sub.disconnect();
        sub.close();
        System.exit(failures == 0 ? 0 : 1);
    }

    private static MqttClient client(String uri, String id) throws Exception {
        return new MqttClient(uri, id, new MemoryPersistence());
    }

    private static MqttConnectOptions options(boolean cleanSession) {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(cleanSession);
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setConnectionTimeout((int) WAIT_SECONDS);
        o.setAutomaticReconnect(false);
        return o;
    }

    private static byte[] payload(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void check(String what, boolean ok, Received evidence) {
        System.out.println((ok ? "PASS " : "FAIL ") + "paho-java: " + what + (ok ? "" : " (got " + evidence + ")"));
        if (!ok) failures++;
    }

    private record Callback(BlockingQueue<Received> inbox) implements org.eclipse.paho.client.mqttv3.MqttCallback {
        @Override
        public void connectionLost(Throwable cause) {
        }

        @Override
        public void messageArrived(String topic, MqttMessage m) {
            inbox.add(new Received(topic, new String(m.getPayload(), StandardCharsets.UTF_8), m.getQos(), m.isRetained()));
        }

        @Override
        public void deliveryComplete(org.eclipse.paho.client.mqttv3.IMqttDeliveryToken token) {
        }
    }
}
