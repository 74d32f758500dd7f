package bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Clients connecting back to back: one thread opens each socket and sends its CONNECT without waiting for the
 * CONNACK, then reads every CONNACK. A connection the listen queue had no room for is retried by the client's
 * kernel a second later; the kernel counts those (ListenDrops in /proc/net/netstat, for the whole machine, so
 * other programs' drops during the run count too).
 */
final class ConnectBurst {
    private static final int TIMEOUT_MS = 15_000;

    /** Seconds from the first connect to the last CONNACK; listen drops counted meanwhile (-1: unknown); failures. */
    record Result(double seconds, long dropped, int failed) {
    }

    private ConnectBurst() {
    }

    static Result run(int port, int clients) throws IOException {
        List<Socket> sockets = new ArrayList<>(clients);
        int failed = 0;
        long dropsBefore = listenDrops();
        long t0 = System.nanoTime();
        try {
            for (int i = 0; i < clients; i++) {
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
                } catch (IOException e) {
                    failed++;
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            long dropsAfter = listenDrops();
            long dropped = dropsBefore < 0 || dropsAfter < 0 ? -1 : dropsAfter - dropsBefore;
            for (Socket s : sockets) {
                if (s.isConnected()) s.getOutputStream().write(new byte[] {(byte) 0xE0, 0});
            }
            return new Result(seconds, dropped, failed);
        } finally {
            for (Socket s : sockets) s.close();
        }
    }

    /** The kernel's count of connections dropped at a listen queue, or -1 where there is none (not Linux). */
    static long listenDrops() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/net/netstat"));
            for (int i = 0; i + 1 < lines.size(); i++) {
                String[] names = lines.get(i).split(" "), values = lines.get(i + 1).split(" ");
                if (!names[0].equals("TcpExt:") || !values[0].equals("TcpExt:")) continue;
                for (int k = 1; k < names.length && k < values.length; k++)
                    if (names[k].equals("ListenDrops")) return Long.parseLong(values[k]);
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
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
