package mqttconf.broker.fuzz;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Ways to break an encoded packet: bit flips, truncation, lying length fields, random type and flags, junk. */
final class Mutation {
    private Mutation() {
    }

    /** {@code packet} broken in one or two random ways. */
    static byte[] apply(byte[] packet, SplittableRandom r) {
        byte[] b = packet;
        int rounds = 1 + r.nextInt(2);
        for (int i = 0; i < rounds; i++) b = once(b, r);
        return b;
    }

    private static byte[] once(byte[] b, SplittableRandom r) {
        if (b.length == 0) return new byte[] {(byte) r.nextInt(256)};
        return switch (r.nextInt(8)) {
            case 0 -> flipBits(b, r);
            case 1 -> Arrays.copyOf(b, r.nextInt(b.length));
            case 2 -> lyingLength(b, r);
            case 3 -> typeAndFlags(b, r);
            case 4 -> insert(b, r);
            case 5 -> remove(b, r);
            case 6 -> longLengthField(b, r);
            default -> {
                byte[] c = b.clone();
                c[r.nextInt(c.length)] = (byte) r.nextInt(256);
                yield c;
            }
        };
    }

    private static byte[] flipBits(byte[] b, SplittableRandom r) {
        byte[] c = b.clone();
        int n = 1 + r.nextInt(3);
        for (int i = 0; i < n; i++) c[r.nextInt(c.length)] ^= (byte) (1 << r.nextInt(8));
        return c;
    }

    /** The remaining length says more or less than follows (a one-byte field, small numbers mostly). */
    private static byte[] lyingLength(byte[] b, SplittableRandom r) {
        if (b.length < 2) return b;
        byte[] c = b.clone();
        int delta = r.nextBoolean() ? 1 + r.nextInt(3) : -(1 + r.nextInt(3));
        c[1] = (byte) ((c[1] & 0x7f) + delta & 0x7f | c[1] & 0x80);
        return c;
    }

    /** Any of the 16 types with any of the 16 flag values. */
    private static byte[] typeAndFlags(byte[] b, SplittableRandom r) {
        byte[] c = b.clone();
        c[0] = (byte) r.nextInt(256);
        return c;
    }

    private static byte[] insert(byte[] b, SplittableRandom r) {
        int at = r.nextInt(b.length + 1);
        int n = 1 + r.nextInt(8);
        byte[] c = new byte[b.length + n];
        System.arraycopy(b, 0, c, 0, at);
        for (int i = 0; i < n; i++) c[at + i] = (byte) r.nextInt(256);
        System.arraycopy(b, at, c, at + n, b.length - at);
        return c;
    }

    private static byte[] remove(byte[] b, SplittableRandom r) {
        int at = r.nextInt(b.length);
        int n = Math.min(b.length - at, 1 + r.nextInt(4));
        byte[] c = new byte[b.length - n];
        System.arraycopy(b, 0, c, 0, at);
        System.arraycopy(b, at + n, c, at, b.length - at - n);
        return c;
    }

    /** A remaining length in up to five bytes, the continuation bits set at random: huge, overlong or endless. */
    private static byte[] longLengthField(byte[] b, SplittableRandom r) {
        int n = 1 + r.nextInt(5);
        byte[] c = new byte[1 + n + Math.max(0, b.length - 2)];
        c[0] = b[0];
        for (int i = 0; i < n; i++) c[1 + i] = (byte) (r.nextInt(128) | (i < n - 1 || r.nextInt(4) == 0 ? 0x80 : 0));
        if (b.length > 2) System.arraycopy(b, 2, c, 1 + n, b.length - 2);
        return c;
    }
}
