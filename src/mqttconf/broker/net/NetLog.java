package mqttconf.broker.net;

/** Where the loop writes its lines. */
public interface NetLog {
    void info(String message);

    void error(String message);
}
