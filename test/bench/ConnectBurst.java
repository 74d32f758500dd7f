package bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Clients connecting back to back: one thread opens each socket and sends its CONNECT without waiting for the
 * CONNACK, then reads every CONNACK. A connection the listen queue had no room for is retried by the kernel a
 * second later, so a connect that took a second or more counts as a listen drop.
 */
final class ConnectBurst {
    private static final int TIMEOUT_MS = 15_000;
    private static final long DROPPED_NANOS = 1_000_000_000L;

    /** Seconds from the first connect to the last CONNACK; connects that took a second or more; failures. */
    record Result(double seconds, int dropped, int failed) {
    }

    private ConnectBurst() {
    }

    static Result run(int port, int clients) throws IOException {
        List<Socket> sockets = new ArrayList<>(clients);
        long[] began = new long[clients];
        int dropped = 0, failed = 0;
        long t0 = System.nanoTime();
        try {
            for (int i = 0; i < clients; i++) {
                began[i] = System.nanoTime();
                Socket s = new Socket();
                sockets.add(s);
                try {
                    s.setSoTimeout(TIMEOUT_MS);
                    s.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MS);
                    s.getOutputStream().write(connect("burst-" + i));
                } catch (IOException e) {
                    failed++;
                }
            }
            for (int i = 0; i < clients; i++) {
                Socket s = sockets.get(i);
                if (!s.isConnected()) continue;
                try {
                    if (!connAccepted(s.getInputStream())) failed++;
                    else if (System.nanoTime() - began[i] >= DROPPED_NANOS) dropped++;
                } catch (IOException e) {
                    failed++;
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            for (Socket s : sockets) {
                if (s.isConnected()) s.getOutputStream().write(new byte[] {(byte) 0xE0, 0});
            }
            return new Result(seconds, dropped, failed);
        } finally {
            for (Socket s : sockets) s.close();
        }
    }

    /** CONNECT, MQTT 3.1.1, clean session, keep alive 60 s. */
    private static byte[] connect(String clientId) {
        byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
        byte[] variable = {0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 60, 0, (byte) id.length};
        byte[] p = new byte[2 + variable.length + id.length];
        p[0] = 0x10;
        p[1] = (byte) (variable.length + id.length);
        System.arraycopy(variable, 0, p, 2, variable.length);
        System.arraycopy(id, 0, p, 2 + variable.length, id.length);
        return p;
    }

    /** Reads a CONNACK; true when it accepts the connection. */
    private static boolean connAccepted(InputStream in) throws IOException {
        byte[] b = in.readNBytes(4);
        return b.length == 4 && b[0] == 0x20 && b[1] == 2 && b[3] == 0;
    }
}
