package mqttconf.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

class CoverageTest {
    private static final Statement KEEP_ALIVE = Statements.get("MQTT-3.1.2-24");
    private static final Statement QOS_3 = Statements.get("MQTT-3.3.1-4");

    @Test
    void countsStartAtZeroAndArePerStatement() {
        Coverage c = new Coverage();
        c.exercised(KEEP_ALIVE);
        c.exercised(KEEP_ALIVE);
        c.violated(QOS_3);
        assertEquals(2, c.exercisedCount(KEEP_ALIVE));
        assertEquals(0, c.violatedCount(KEEP_ALIVE));
        assertEquals(0, c.exercisedCount(QOS_3));
        assertEquals(1, c.violatedCount(QOS_3));
    }

    @Test
    void instancesAreIndependentAndResetClearsEverything() {
        Coverage a = new Coverage();
        Coverage b = new Coverage();
        a.exercised(KEEP_ALIVE);
        a.violated(QOS_3);
        assertEquals(0, b.exercisedCount(KEEP_ALIVE));
        a.reset();
        for (Statement s : Statements.all()) {
            assertEquals(0, a.exercisedCount(s), s.id());
            assertEquals(0, a.violatedCount(s), s.id());
        }
    }

    @Test
    void noCountIsLostAcrossThreads() throws InterruptedException {
        Coverage c = new Coverage();
        int threads = 8;
        int perThread = 20_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    c.exercised(KEEP_ALIVE);
                    if (i % 10 == 0) {
                        c.violated(QOS_3);
                    }
                }
            });
            w.start();
            workers.add(w);
        }
        start.countDown();
        for (Thread w : workers) {
            w.join();
        }
        assertEquals((long) threads * perThread, c.exercisedCount(KEEP_ALIVE));
        assertEquals((long) threads * perThread / 10, c.violatedCount(QOS_3));
    }
}
