package mqttconf.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.function.Consumer;

import mqttconf.util.Reasons;
import mqttconf.client.Dialer;

/**
 * Carries the load clients' plain MQTT bytes to a TLS or WebSocket target: the non-blocking clients connect to
 * this relay on 127.0.0.1, and for each of them it dials the target with the test client's {@link Dialer} and
 * copies both ways on two virtual threads. The clients' code stays one non-blocking path for every transport.
 */
final class Relay implements AutoCloseable {
    private static final Duration DIAL_TIMEOUT = Duration.ofSeconds(10);

    private final ServerSocket listener;
    private final Dialer dialer;
    private final String host;
    private final int port;
    private final Consumer<IOException> failure;
    private volatile boolean closed;

    /** Failures to reach the target go to {@code failure} before the client's connection is closed. */
    Relay(Dialer dialer, String host, int port, Consumer<IOException> failure) throws IOException {
        this.dialer = dialer;
        this.host = host;
        this.port = port;
        this.failure = failure;
        this.listener = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("bench-relay").start(this::acceptLoop);
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort());
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket local = listener.accept();
                Thread.ofVirtual().name("bench-relay-dial").start(() -> link(local));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void link(Socket local) {
        Socket remote;
        try {
            remote = dialer.connect(host, port, DIAL_TIMEOUT);
        } catch (IOException e) {
            failure.accept(new IOException(Reasons.of(e), e));
            close(local);
            return;
        }
        try {
            local.setTcpNoDelay(true);
        } catch (IOException ignored) {
            // latency only
        }
        Thread.ofVirtual().name("bench-relay-up").start(() -> copy(local, remote));
        copy(remote, local);
    }

    /** Copies until either side ends, then closes both, so the other direction ends too. */
    private static void copy(Socket from, Socket to) {
        byte[] buffer = new byte[64 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException ignored) {
            // one side ended: the client sees its connection close
        } finally {
            close(from);
            close(to);
        }
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // nothing left to accept
        }
    }
}
