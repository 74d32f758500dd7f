package mqttconf.suite;

/**
 * What many tests need from a server, each established once by a test of its own: a test failing only because
 * one is broken is reported as following from it, pointing at that test. A wait that only sets a test up (a
 * marker message, the retained message a test builds on) names the capability; its failure breaks the
 * capability's statement.
 */
enum Capability {
    DELIVERY("message delivery", "publish.qos1-round-trip", "MQTT-4.5.0-1"),
    QOS2("QoS 2 flows", "publish.qos2-round-trip", "MQTT-4.3.3-2"),
    RETAINED("retained messages", "retain.set-and-clear", "MQTT-3.3.1-6"),
    SESSIONS("persistent sessions", "session.offline-qos1-qos2-queued", "MQTT-3.1.2-5"),
    WILDCARDS("wildcard subscriptions", "subscribe.wildcard-granted-or-refused", "MQTT-4.5.0-1"),
    WILLS("will messages", "will.published-on-abrupt-close", "MQTT-3.1.2-8");

    final String title;
    /** The test that establishes the capability. */
    final String test;
    /** The statement a server breaks when the capability fails where a test relies on it. */
    final String statementId;

    Capability(String title, String test, String statementId) {
        this.title = title;
        this.test = test;
        this.statementId = statementId;
    }
}
