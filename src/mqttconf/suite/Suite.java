package mqttconf.suite;

import java.util.ArrayList;
import java.util.List;

/** Every conformance test, slow ones (keep alive, wills) first so they overlap the rest. */
public final class Suite {
    private Suite() {
    }

    public static List<TestCase> all() {
        List<TestCase> all = new ArrayList<>();
        all.addAll(KeepAliveTests.all());
        all.addAll(WillTests.all());
        all.addAll(SessionTests.all());
        all.addAll(ConnectTests.all());
        all.addAll(AuthTests.all());
        all.addAll(PublishTests.all());
        all.addAll(RetainTests.all());
        all.addAll(SubscribeTests.all());
        all.addAll(TopicTests.all());
        all.addAll(SubAckTests.all());
        all.addAll(QosTests.all());
        all.addAll(MalformedTests.all());
        all.addAll(WebSocketTests.all());
        return List.copyOf(all);
    }
}
