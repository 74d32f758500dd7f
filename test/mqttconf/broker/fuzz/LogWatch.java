package mqttconf.broker.fuzz;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import mqttconf.broker.BrokerLog;

/** A broker log that keeps only its ERROR lines (unexpected exceptions) and calls back on each. */
final class LogWatch extends OutputStream {
    private static final int KEPT = 20;

    private final StringBuilder line = new StringBuilder();
    private final List<String> errors = new ArrayList<>();
    private final Runnable onError;
    private int errorCount;

    LogWatch(Runnable onError) {
        this.onError = onError;
    }

    BrokerLog log() {
        return BrokerLog.to(new PrintStream(this, true, StandardCharsets.UTF_8));
    }

    @Override
    public synchronized void write(int b) {
        if (b != '\n') {
            if (line.length() < 2000) line.append((char) b);
            return;
        }
        if (line.toString().startsWith("ERROR")) {
            errorCount++;
            if (errors.size() < KEPT) errors.add(line.toString());
            onError.run();
        }
        line.setLength(0);
    }

    synchronized int errorCount() {
        return errorCount;
    }

    synchronized List<String> errors() {
        return List.copyOf(errors);
    }
}
