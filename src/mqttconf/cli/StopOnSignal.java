package mqttconf.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * Runs a mode's work under a shutdown hook: on SIGINT or SIGTERM the hook asks the work to stop, then holds the
 * JVM (at most {@code waitSeconds}) until the work has printed its summary and written its reports.
 */
public final class StopOnSignal {
    private StopOnSignal() {
    }

    public static int run(String threadName, Runnable stop, long waitSeconds, IntSupplier work) {
        CountDownLatch reported = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.run();
            try {
                reported.await(waitSeconds, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, threadName);
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return work.getAsInt();
        } finally {
            reported.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it waited for the summary above
            }
        }
    }
}
