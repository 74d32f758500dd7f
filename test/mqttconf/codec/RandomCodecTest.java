package mqttconf.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import mqttconf.codec.Packet.*;

/** Seeded random packets and random garbage: reproducible, so a failure names its seed. */
class RandomCodecTest {
    private static final long SEED = 20261125L;

    @Test
    void randomValidPacketsRoundTrip() throws Exception {
        Random r = new Random(SEED);
        for (int i = 0; i < 20_000; i++) {
            Packet p = randomPacket(r);
            byte[] wire = Encoder.encode(p);
            assertEquals(p, RoundTripTest.decodeOne(wire), "seed " + SEED + " packet " + i);
        }
    }

    @Test
    void randomGarbageYieldsOnlyPacketsMalformedErrorsOrNeedMore() {
        Random r = new Random(SEED);
        int packets = 0, malformed = 0;
        for (int i = 0; i < 50_000; i++) {
            byte[] garbage = new byte[r.nextInt(40)];
            r.nextBytes(garbage);
            if (garbage.length > 1 && r.nextBoolean()) garbage[1] = (byte) r.nextInt(40); // plausible lengths
            ByteBuffer buf = ByteBuffer.wrap(garbage);
            Decoder d = new Decoder(1 << 20);
            try {
                while (d.decode(buf) != null) packets++;
            } catch (MalformedPacketException expected) {
                malformed++;
            } catch (RuntimeException e) {
                throw new AssertionError("seed " + SEED + " case " + i + ": " + Bytes.hex(garbage), e);
            }
        }
        assertTrue(packets > 0 && malformed > 0, "garbage should produce both packets and errors");
    }

    @Test
    void mutatedValidPacketsYieldOnlyPacketsMalformedErrorsOrNeedMore() {
        Random r = new Random(SEED + 1);
        for (int i = 0; i < 20_000; i++) {
            byte[] wire = Encoder.encode(randomPacket(r));
            int flips = 1 + r.nextInt(3);
            for (int k = 0; k < flips; k++) wire[r.nextInt(wire.length)] ^= (byte) (1 << r.nextInt(8));
            ByteBuffer buf = ByteBuffer.wrap(wire, 0, r.nextBoolean() ? wire.length : r.nextInt(wire.length + 1));
            try {
                Decoder d = new Decoder();
                while (d.decode(buf) != null) {
                    // keep decoding whatever the flipped bits make of the rest
                }
            } catch (MalformedPacketException expected) {
                // the codec's own error is a fine answer
            } catch (RuntimeException e) {
                throw new AssertionError("seed " + (SEED + 1) + " case " + i + ": " + Bytes.hex(wire), e);
            }
        }
    }

    static Packet randomPacket(Random r) {
        int id = 1 + r.nextInt(65_535);
        return switch (r.nextInt(14)) {
            case 0 -> {
                Connect c = Connect.of(text(r, 0), r.nextBoolean(), r.nextInt(65_536));
                if (r.nextBoolean()) c = c.withWill(new Will(topic(r), bytes(r), r.nextInt(3), r.nextBoolean()));
                if (r.nextBoolean()) c = c.withCredentials(text(r, 0), r.nextBoolean() ? bytes(r) : null);
                yield c;
            }
            case 1 -> new ConnAck(r.nextBoolean(), r.nextInt(6));
            case 2 -> {
                int qos = r.nextInt(3);
                yield new Publish(topic(r), bytes(r), qos, r.nextBoolean(), r.nextBoolean(), qos == 0 ? 0 : id);
            }
            case 3 -> new PubAck(id);
            case 4 -> new PubRec(id);
            case 5 -> new PubRel(id);
            case 6 -> new PubComp(id);
            case 7 -> {
                List<Subscription> subs = new ArrayList<>();
                for (int k = 0; k <= r.nextInt(4); k++) subs.add(new Subscription(filter(r), r.nextInt(3)));
                yield new Subscribe(id, subs);
            }
            case 8 -> {
                List<Integer> codes = new ArrayList<>();
                for (int k = 0; k <= r.nextInt(4); k++) codes.add(List.of(0, 1, 2, 0x80).get(r.nextInt(4)));
                yield new SubAck(id, codes);
            }
            case 9 -> {
                List<String> fs = new ArrayList<>();
                for (int k = 0; k <= r.nextInt(4); k++) fs.add(filter(r));
                yield new Unsubscribe(id, fs);
            }
            case 10 -> new UnsubAck(id);
            case 11 -> new PingReq();
            case 12 -> new PingResp();
            default -> new Disconnect();
        };
    }

    private static final String ALPHABET = "abcXYZ019 -_/$é€\uFEFF😀";

    private static String text(Random r, int min) {
        StringBuilder s = new StringBuilder();
        int n = min + r.nextInt(12);
        while (s.length() < n) s.appendCodePoint(ALPHABET.codePointAt(ALPHABET.offsetByCodePoints(0, r.nextInt(ALPHABET.codePointCount(0, ALPHABET.length())))));
        return s.toString();
    }

    private static String topic(Random r) {
        return text(r, 1);
    }

    private static String filter(Random r) {
        String[] levels = text(r, 1).split("/", -1);
        for (int i = 0; i < levels.length; i++) if (r.nextInt(5) == 0) levels[i] = "+";
        String f = String.join("/", levels);
        return r.nextInt(4) == 0 ? f + "/#" : f;
    }

    private static byte[] bytes(Random r) {
        byte[] b = new byte[r.nextInt(64)];
        r.nextBytes(b);
        return b;
    }
}
