package mqttconf.broker.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import mqttconf.codec.Bytes;
import mqttconf.codec.Encoder;
import mqttconf.codec.Packet;
import mqttconf.codec.Packet.*;

/**
 * What one fuzz connection sends: a list of packets, valid or mutated, written in chunks, and how the connection
 * ends. Made from (seed, index) alone, so any connection of a run can be made again to replay it.
 *
 * @param packets the packets as sent (each counts as one fuzz packet)
 * @param splits  write boundaries into the concatenated bytes (a packet may arrive in pieces, or several at once)
 * @param reset   end with a TCP reset instead of a normal close
 * @param readBack wait for the broker's answer (or close) before closing, instead of closing at once
 */
public record Attack(List<byte[]> packets, int[] splits, boolean reset, boolean readBack) {
    private static final String[] TOPICS = {"fuzz/a", "fuzz/+", "fuzz/#", "#", "+/+", "", "fuzz/\u0000x", "a//b",
            "$SYS/x", "fuzz/long/" + "x".repeat(300), "mqttconf/exercise/redeliver/q", "canary/q"};
    /** Client ids come from a small pool so the persistent sessions fuzzing leaves behind stay bounded. */
    static final int CLIENT_IDS = 64;

    /** The attack of connection {@code index} in the run of {@code seed}. */
    public static Attack of(long seed, long index) {
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
        List<byte[]> packets = new ArrayList<>();
        int style = r.nextInt(10);
        if (style < 7) {
            // Valid CONNECT (sometimes mutated itself), then a mix of valid and broken packets.
            byte[] connect = Encoder.encode(connect(r, index));
            packets.add(style == 0 ? Mutation.apply(connect, r) : connect);
            int n = 1 + r.nextInt(24);
            for (int i = 0; i < n; i++) {
                byte[] p = Encoder.encode(packet(r));
                packets.add(r.nextInt(3) == 0 ? Mutation.apply(p, r) : p);
            }
        } else if (style < 9) {
            // No CONNECT: random packets, mutated or not.
            int n = 1 + r.nextInt(8);
            for (int i = 0; i < n; i++) packets.add(Mutation.apply(Encoder.encode(packet(r)), r));
        } else {
            // Pure garbage.
            byte[] g = new byte[1 + r.nextInt(64)];
            for (int i = 0; i < g.length; i++) g[i] = (byte) r.nextInt(256);
            packets.add(g);
        }
        int total = packets.stream().mapToInt(b -> b.length).sum();
        int[] splits = new int[r.nextInt(4)];
        for (int i = 0; i < splits.length; i++) splits[i] = total == 0 ? 0 : r.nextInt(total);
        java.util.Arrays.sort(splits);
        return new Attack(packets, splits, r.nextInt(4) == 0, r.nextInt(4) == 0);
    }

    /** All bytes in sending order. */
    public byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        packets.forEach(out::writeBytes);
        return out.toByteArray();
    }

    /** The bytes in byte notation (hex, one {@code |} between packets), as regression files hold them. */
    public String notation() {
        List<String> parts = new ArrayList<>();
        for (byte[] p : packets) parts.add(p.length == 0 ? "" : Bytes.hex(p));
        return String.join(" | ", parts);
    }

    private static Connect connect(SplittableRandom r, long index) {
        Will will = r.nextInt(4) == 0 ? new Will(topic(r), payload(r), r.nextInt(3), r.nextBoolean()) : null;
        String user = r.nextInt(8) == 0 ? "user" : null;
        byte[] password = user != null && r.nextBoolean() ? payload(r) : null;
        return new Connect(Connect.PROTOCOL_NAME, Connect.PROTOCOL_LEVEL, r.nextInt(4) != 0, r.nextInt(3),
                r.nextInt(16) == 0 ? "" : "fz" + (index % CLIENT_IDS), will, user, password);
    }

    private static Packet packet(SplittableRandom r) {
        int id = 1 + r.nextInt(r.nextBoolean() ? 4 : 65535);
        return switch (r.nextInt(12)) {
            case 0, 1, 2 -> {
                int qos = r.nextInt(3);
                yield new Publish(topic(r), payload(r), qos, r.nextInt(8) == 0, r.nextInt(8) == 0, qos == 0 ? 0 : id);
            }
            case 3 -> Subscribe.of(id, topic(r), r.nextInt(3));
            case 4 -> new Unsubscribe(id, List.of(topic(r)));
            case 5 -> new PubAck(id);
            case 6 -> new PubRec(id);
            case 7 -> new PubRel(id);
            case 8 -> new PubComp(id);
            case 9 -> new PingReq();
            case 10 -> new Disconnect();
            default -> Connect.of("fz-second", true, 0);
        };
    }

    private static String topic(SplittableRandom r) {
        return TOPICS[r.nextInt(TOPICS.length)];
    }

    private static byte[] payload(SplittableRandom r) {
        int n = r.nextInt(8) == 0 ? r.nextInt(4096) : r.nextInt(16);
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) r.nextInt(256);
        return n > 0 && r.nextBoolean() ? b : "fuzz".getBytes(StandardCharsets.UTF_8);
    }
}
