package bench;

import java.nio.ByteBuffer;

import mqttconf.codec.Decoder;
import mqttconf.codec.Encoder;
import mqttconf.codec.MalformedPacketException;
import mqttconf.codec.Packet;

/**
 * Single-thread decode and encode rate of a QoS 0 PUBLISH with a 32-byte payload: a warm-up, then as many
 * packets as fit in the measuring time, counted in batches so the clock is read rarely.
 */
final class CodecBench {
    private static final int BATCH = 10_000;
    /** Written with every result so that the JIT cannot drop the work. */
    static long sink;

    private CodecBench() {
    }

    static Packet.Publish sample() {
        return Packet.Publish.of("mqttconf/bench/codec/0", "0123456789abcdef0123456789abcdef", 0, 0);
    }

    /** PUBLISH decodes per second. */
    static double decodes(double seconds) throws MalformedPacketException {
        ByteBuffer in = ByteBuffer.wrap(Encoder.encode(sample()));
        Decoder decoder = new Decoder();
        decodeFor(decoder, in, 1_000_000_000L);
        return decodeFor(decoder, in, (long) (seconds * 1e9));
    }

    private static double decodeFor(Decoder decoder, ByteBuffer in, long nanos) throws MalformedPacketException {
        long t0 = System.nanoTime(), n = 0, elapsed;
        do {
            for (int i = 0; i < BATCH; i++) {
                in.position(0);
                Packet.Publish p = (Packet.Publish) decoder.decode(in);
                sink += p.payload().length;
            }
            n += BATCH;
            elapsed = System.nanoTime() - t0;
        } while (elapsed < nanos);
        return n / (elapsed / 1e9);
    }

    /** PUBLISH encodes per second, each into a reused buffer. */
    static double encodes(double seconds) {
        Packet.Publish p = sample();
        ByteBuffer out = ByteBuffer.allocate(Encoder.size(p));
        encodeFor(p, out, 1_000_000_000L);
        return encodeFor(p, out, (long) (seconds * 1e9));
    }

    private static double encodeFor(Packet.Publish p, ByteBuffer out, long nanos) {
        long t0 = System.nanoTime(), n = 0, elapsed;
        do {
            for (int i = 0; i < BATCH; i++) {
                out.clear();
                Encoder.encode(p, out);
                sink += out.position();
            }
            n += BATCH;
            elapsed = System.nanoTime() - t0;
        } while (elapsed < nanos);
        return n / (elapsed / 1e9);
    }
}
