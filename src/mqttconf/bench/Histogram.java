package mqttconf.bench;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Latencies in nanoseconds, counted in log-linear buckets: exact below 128 ns, then 64 buckets per power of
 * two, so a percentile is at most 1/64 (1.6%) above the true value. Fixed size whatever the sample count.
 * Any thread may record while another reads a {@link #snapshot()}.
 */
public final class Histogram {
    private static final int LINEAR = 128;
    private static final int SUB = 64;
    /** Values up to 2^41 ns (about 36 minutes); larger ones count in the last bucket. */
    private static final int MAX_EXPONENT = 41;
    static final int BUCKETS = LINEAR + (MAX_EXPONENT - 7) * SUB;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
    private final AtomicLong max = new AtomicLong();

    public void record(long nanos) {
        long v = Math.max(0, nanos);
        counts.incrementAndGet(bucket(v));
        if (v > max.get()) max.accumulateAndGet(v, Math::max);
    }

    static int bucket(long v) {
        if (v < LINEAR) return (int) v;
        int exponent = 63 - Long.numberOfLeadingZeros(v);
        if (exponent >= MAX_EXPONENT) return BUCKETS - 1;
        int top = (int) (v >>> (exponent - 6));
        return LINEAR + (exponent - 7) * SUB + (top - SUB);
    }

    /** The largest value that falls in bucket {@code i}. */
    static long highest(int i) {
        if (i < LINEAR) return i;
        int exponent = 7 + (i - LINEAR) / SUB;
        long top = SUB + (i - LINEAR) % SUB;
        return ((top + 1) << (exponent - 6)) - 1;
    }

    /** The counts as they are now. */
    public Snapshot snapshot() {
        long[] c = new long[BUCKETS];
        for (int i = 0; i < BUCKETS; i++) c[i] = counts.get(i);
        return new Snapshot(c, max.get());
    }

    /** Counts at one moment; {@link #minus} gives the counts of an interval. */
    public record Snapshot(long[] counts, long max) {
        public long count() {
            long n = 0;
            for (long c : counts) n += c;
            return n;
        }

        /** What was recorded since {@code earlier}; its max is an upper bound. */
        public Snapshot minus(Snapshot earlier) {
            long[] c = counts.clone();
            for (int i = 0; i < c.length; i++) c[i] -= earlier.counts[i];
            return new Snapshot(c, max);
        }

        /**
         * The nearest-rank percentile: the least value with at least {@code p} percent of the samples at or below
         * it, within the bucket precision and never above the recorded maximum. 0 when empty.
         */
        public long percentile(double p) {
            long n = count();
            if (n == 0) return 0;
            long rank = Math.max(1, (long) Math.ceil(p / 100.0 * n));
            long seen = 0;
            for (int i = 0; i < counts.length; i++) {
                seen += counts[i];
                if (seen >= rank) return Math.min(highest(i), max);
            }
            return max;
        }
    }
}
