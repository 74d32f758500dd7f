package mqttconf.suite;

/**
 * What many tests need from a server, each established once by a test of its own: a test failing only because
 * one is broken is reported as following from it, pointing at that test.
 */
enum Capability {
    QOS2("QoS 2 flows", "publish.qos2-round-trip"),
    RETAINED("retained messages", "retain.set-and-clear"),
    SESSIONS("persistent sessions", "session.offline-qos1-qos2-queued"),
    WILDCARDS("wildcard subscriptions", "subscribe.wildcard-granted-or-refused"),
    WILLS("will messages", "will.published-on-abrupt-close");

    final String title;
    /** The test that establishes the capability. */
    final String test;

    Capability(String title, String test) {
        this.title = title;
        this.test = test;
    }
}
