package mqttconf.suite;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.management.HotSpotDiagnosticMXBean;

/** A server on 127.0.0.1 that treats each connection with {@code handler}, for tests of the suite against broken servers. */
final class TinyServer implements AutoCloseable {
    /** What the server does with one accepted connection (number {@code n}, counting from 0). */
    @FunctionalInterface
    interface Handler {
        void handle(Socket s, int n) throws IOException, InterruptedException;
    }

    private static final Pattern THREAD = Pattern.compile("^#\\d+ \"([^\"]*)\"", Pattern.MULTILINE);

    private final ServerSocket listener;
    private final Handler handler;
    private final AtomicInteger accepted = new AtomicInteger();
    private final List<Socket> sockets = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final Thread acceptor;

    TinyServer(Handler handler) throws IOException {
        this.handler = handler;
        this.listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        this.acceptor = Thread.ofVirtual().name("tinyserver-accept").start(this::acceptLoop);
    }

    int port() {
        return listener.getLocalPort();
    }

    int accepted() {
        return accepted.get();
    }

    private void acceptLoop() {
        try {
            while (true) {
                Socket s = listener.accept();
                int n = accepted.getAndIncrement();
                synchronized (this) {
                    sockets.add(s);
                    threads.add(Thread.ofVirtual().name("tinyserver-conn").start(() -> {
                        try {
                            handler.handle(s, n);
                        } catch (IOException | InterruptedException ended) {
                            // the client went away or the server is closing
                        }
                    }));
                }
            }
        } catch (IOException closed) {
            // the server is closed
        }
    }

    /** Reads and drops everything the client sends until it closes. */
    static void drain(Socket s) throws IOException {
        byte[] b = new byte[8192];
        while (s.getInputStream().read(b) >= 0) {
            // nothing is ever answered
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        joinQuietly(acceptor);
        List<Thread> all;
        synchronized (this) {
            for (Socket s : sockets) s.close();
            all = List.copyOf(threads);
        }
        for (Thread t : all) {
            t.interrupt();
            joinQuietly(t);
        }
    }

    /**
     * The live threads a suite run may start: non-daemon platform threads, and virtual threads named by the
     * runner and its clients ({@code test-}, {@code testclient-}), from a thread dump (which lists virtual threads).
     */
    static TreeSet<String> suiteThreads(Path dir) throws IOException {
        TreeSet<String> names = new TreeSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (!t.isDaemon() && t.isAlive()) names.add("platform " + t.getName() + " #" + t.threadId());
        }
        Path dump = dir.resolve("threads-" + System.nanoTime() + ".txt");
        ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                .dumpThreads(dump.toAbsolutePath().toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.TEXT_PLAIN);
        Matcher m = THREAD.matcher(Files.readString(dump));
        while (m.find()) {
            if (m.group(1).startsWith("test-") || m.group(1).startsWith("testclient-")) names.add("virtual " + m.group(1) + " " + m.group());
        }
        Files.delete(dump);
        return names;
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join(Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
