package mqttconf.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import mqttconf.client.TestClient;
import mqttconf.codec.Packet.*;

/** Retained messages (3.3.1-5 to -12) and will messages (3.1.2-8 to -17, 3.14.4-3). */
class RetainedAndWillTest extends BrokerTestBase {

    @Test
    void aNewRetainedMessageReplacesTheOld() throws Exception {
        TestClient pub = connect("pub", true);
        publish(pub, "r", "first", 1, true, 1);
        publish(pub, "r", "second", 0, true, 0);
        TestClient sub = connect("sub", true);
        subscribe(sub, "r", 2);
        Publish got = receive(sub);
        assertEquals("second", text(got));
        assertEquals(0, got.qos(), "stored with its QoS");
        assertEquals(List.of(), barrier(sub));
    }

    @Test
    void retainedFlagIsSetOnlyForDeliveriesCausedByANewSubscription() throws Exception {
        TestClient sub = connect("sub", true);
        subscribe(sub, "r", 1);
        publish(connect("pub", true), "r", "live", 1, true, 1);
        assertFalse(receive(sub).retain(), "established subscription gets RETAIN 0");
        subscribe(sub, 2, "r", 1);
        Publish again = receive(sub);
        assertTrue(again.retain(), "re-subscribing to an identical filter resends the retained message");
        assertEquals("live", text(again));
    }

    @Test
    void emptyRetainedMessageIsDeliveredDeletesAndIsNotStored() throws Exception {
        TestClient sub = connect("sub", true);
        subscribe(sub, "r", 0);
        TestClient pub = connect("pub", true);
        publish(pub, "r", "kept", 0, true, 0);
        receive(sub);
        publish(pub, "r", "", 0, true, 0);
        assertEquals(0, receive(sub).payload().length, "processed as normal");
        TestClient late = connect("late", true);
        subscribe(late, "r", 0);
        assertEquals(List.of(), barrier(late), "nothing retained any more");
    }

    @Test
    void retainZeroNeitherStoresNorRemoves() throws Exception {
        TestClient pub = connect("pub", true);
        publish(pub, "r", "retained", 1, true, 1);
        publish(pub, "r", "not retained", 1, false, 2);
        TestClient sub = connect("sub", true);
        subscribe(sub, "r", 1);
        assertEquals("retained", text(receive(sub)));
    }

    @Test
    void retainedMessagesSurviveTheSessionThatPublishedThem() throws Exception {
        TestClient pub = connect("pub", true);
        publish(pub, "r", "outlives", 1, true, 1);
        pub.send(new Disconnect());
        assertClosed(pub, "DISCONNECT");
        TestClient sub = connect("sub", true);
        subscribe(sub, "#", 1);
        assertEquals("outlives", text(receive(sub)));
    }

    @Test
    void willIsPublishedWithItsQosAndRetainFlag() throws Exception {
        Will will = new Will("status/dev", "offline".getBytes(StandardCharsets.UTF_8), 1, true);
        TestClient dev = connect(Connect.of("dev", true, 0).withWill(will));
        TestClient live = connect("live", true);
        subscribe(live, "status/#", 2);
        dev.close();
        Publish got = receive(live);
        assertEquals(1, got.qos());
        assertFalse(got.retain(), "to an established subscription RETAIN is 0");
        TestClient late = connect("late", true);
        subscribe(late, "status/#", 2);
        Publish kept = receive(late);
        assertTrue(kept.retain(), "the will was retained");
        assertEquals("offline", text(kept));
        assertEquals(1, exercised("MQTT-3.1.2-17"));
    }

    @Test
    void willIsDiscardedOnDisconnect() throws Exception {
        Will will = new Will("status/dev", "offline".getBytes(StandardCharsets.UTF_8), 0, false);
        TestClient dev = connect(Connect.of("dev", true, 0).withWill(will));
        TestClient live = connect("live", true);
        subscribe(live, "status/#", 0);
        dev.send(new Disconnect());
        assertClosed(dev, "DISCONNECT");
        assertEquals(List.of(), barrier(live), "no will after DISCONNECT");
        assertEquals(1, exercised("MQTT-3.14.4-3"));
    }

    @Test
    void willIsPublishedWhenTheBrokerClosesForAProtocolViolation() throws Exception {
        Will will = new Will("status/dev", "violated".getBytes(StandardCharsets.UTF_8), 0, false);
        TestClient dev = connect(Connect.of("dev", true, 0).withWill(will));
        TestClient live = connect("live", true);
        subscribe(live, "status/#", 0);
        dev.send(Connect.of("dev", true, 0));
        assertEquals("violated", text(receive(live)));
    }
}
