package mqttconf.broker.fuzz;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import mqttconf.codec.Encoder;
import mqttconf.codec.Packet.Connect;
import mqttconf.codec.Packet.Disconnect;

/**
 * Connection churn against a broker: connect/disconnect cycles, and many connections held at once. Blocking
 * NIO channels, no thread per connection. {@code main(PORT, N)} holds N connections in its own process (so the
 * broker's process keeps its descriptors for the broker side) until a line arrives on stdin.
 */
public final class Soak {
    /** Cycles reuse client ids: the broker keeps a small record per client id ever seen, by design (issue 4). */
    private static final int CYCLE_IDS = 100;
    private static final byte[] DISCONNECT = Encoder.encode(new Disconnect());

    private Soak() {
    }

    /** {@code n} CONNECT, CONNACK, DISCONNECT, close cycles on {@code threads} threads; returns the failures. */
    public static long cycles(int port, int n, int threads) throws InterruptedException {
        AtomicLong next = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        for (int t = 0; t < threads; t++) {
            pool.execute(() -> {
                for (long i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                    try (SocketChannel ch = connect(port, "cycle" + i % CYCLE_IDS)) {
                        ch.write(ByteBuffer.wrap(DISCONNECT));
                        if (ch.read(ByteBuffer.allocate(1)) != -1) failed.incrementAndGet();
                    } catch (IOException e) {
                        failed.incrementAndGet();
                    }
                }
            });
        }
        pool.shutdown();
        if (!pool.awaitTermination(Math.max(30, n / 100), TimeUnit.SECONDS)) {
            pool.shutdownNow();
            return n;
        }
        return failed.get();
    }

    /** Connects with clean session 1 and disconnects as each of {@code clientIds}: their stored sessions go. */
    public static void forget(int port, List<String> clientIds) throws IOException {
        for (String id : clientIds) {
            try (SocketChannel ch = connect(port, id)) {
                ch.write(ByteBuffer.wrap(DISCONNECT));
                ch.read(ByteBuffer.allocate(1));
            }
        }
    }

    /** Opens {@code n} connections, each with CONNECT answered by CONNACK 0; the caller closes them. */
    public static List<SocketChannel> hold(int port, int n) throws IOException {
        List<SocketChannel> held = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) held.add(connect(port, "held" + i));
        } catch (IOException e) {
            closeAll(held);
            throw new IOException("connection " + held.size() + " of " + n + ": " + e.getMessage(), e);
        }
        return held;
    }

    public static void closeAll(List<SocketChannel> channels) {
        for (SocketChannel ch : channels) {
            try {
                ch.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    /** A connected channel whose CONNECT (clean session) was accepted; reads are bounded by the broker closing. */
    private static SocketChannel connect(int port, String clientId) throws IOException {
        SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        try {
            ch.write(ByteBuffer.wrap(Encoder.encode(Connect.of(clientId, true, 0))));
            ByteBuffer ack = ByteBuffer.allocate(4);
            while (ack.hasRemaining()) {
                if (ch.read(ack) < 0) throw new IOException("closed before CONNACK");
            }
            if (ack.get(0) != 0x20 || ack.get(3) != 0) throw new IOException("no CONNACK 0");
            return ch;
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    /** Child process: holds N connections to PORT, prints "held N", closes them when a line (or EOF) arrives. */
    public static void main(String[] args) throws IOException {
        List<SocketChannel> held = hold(Integer.parseInt(args[0]), Integer.parseInt(args[1]));
        System.out.println("held " + held.size());
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        closeAll(held);
        System.out.println("closed " + held.size());
    }
}
