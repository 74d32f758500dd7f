package mqttconf.broker.net;

/** Work the core hands to the loop thread: later, or at its next turn. */
public interface Timers {
    /** Runs {@code task} on the loop thread once {@code delayNanos} have passed; loop thread only. */
    void schedule(long delayNanos, Runnable task);

    /** Runs {@code task} on the loop thread at its next turn, when no packet is being handled; any thread. */
    void execute(Runnable task);
}
