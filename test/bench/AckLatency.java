package bench;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import mqttconf.codec.Encoder;
import mqttconf.codec.Packet;
import mqttconf.codec.Packet.Connect;
import mqttconf.codec.Packet.PingReq;
import mqttconf.codec.Packet.PubRel;
import mqttconf.codec.Packet.Publish;
import mqttconf.codec.Packet.Subscribe;

/**
 * Request-to-answer latency of each acknowledgement at low load: one client, one request at a time on a blocking
 * socket, the clock from the request's write to the answer's last byte. A request whose answer is slow by a
 * fixed delay (a flush left for later, a wakeup missed) shows here, where a throughput run hides it.
 */
final class AckLatency implements AutoCloseable {
    /** The requests measured, in the order of the table. */
    static final String[] ANSWERS = {"PUBACK", "PUBREC", "PUBCOMP", "SUBACK", "PINGRESP"};

    private final Socket socket = new Socket();
    private final OutputStream out;
    private final DataInputStream in;

    private AckLatency(int port) throws IOException {
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        socket.setSoTimeout(5000);
        out = socket.getOutputStream();
        in = new DataInputStream(socket.getInputStream());
    }

    /**
     * Warm-up before the measured requests. A JIT-compiled broker answers a request whose path its compiler has not
     * reached yet 1.5 to 3 times slower: after the throughput runs only SUBSCRIBE was still cold, and with 500
     * requests of each kind as warm-up its answer took 23 us against 10 us after 17,500 (mosquitto's is the same
     * either way); a fresh broker needed more than 20,000 under load. Measured here is the answer of a warm broker.
     */
    static final long WARM_UP_NANOS = 3_000_000_000L;

    /** Microseconds per answer, {@code n} requests of each kind after the warm-up: p50 and p99 by answer name. */
    static Map<String, double[]> measure(int port, int n) throws IOException {
        try (AckLatency a = new AckLatency(port)) {
            a.request(Connect.of("ack-latency", true, 0), 4);
            for (long end = System.nanoTime() + WARM_UP_NANOS; System.nanoTime() < end; ) a.round(1000);
            return a.round(n);
        }
    }

    private Map<String, double[]> round(int n) throws IOException {
        long[][] t = new long[ANSWERS.length][n];
        for (int i = 0; i < n; i++) {
            int id = i % 65_000 + 1;
            t[0][i] = request(Publish.of("bench/ack", "x", 1, id), 4);
            t[1][i] = request(Publish.of("bench/ack", "x", 2, id), 4);
            t[2][i] = request(new PubRel(id), 4);
            t[3][i] = request(Subscribe.of(id, "bench/ack/sub", 1), 5);
            t[4][i] = request(new PingReq(), 2);
        }
        Map<String, double[]> m = new LinkedHashMap<>();
        for (int k = 0; k < ANSWERS.length; k++) {
            long[] s = t[k];
            Arrays.sort(s);
            m.put(ANSWERS[k], new double[] {s[n / 2] / 1e3, s[Math.min(n - 1, n * 99 / 100)] / 1e3});
        }
        return m;
    }

    /** Writes {@code p}, reads an answer of {@code answerBytes}, returns the nanoseconds between. */
    private long request(Packet p, int answerBytes) throws IOException {
        byte[] bytes = Encoder.encode(p);
        byte[] answer = new byte[answerBytes];
        long t0 = System.nanoTime();
        out.write(bytes);
        in.readFully(answer);
        return System.nanoTime() - t0;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
