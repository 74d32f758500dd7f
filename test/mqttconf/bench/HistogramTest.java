package mqttconf.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HistogramTest {
    @Test
    void smallValuesGiveExactNearestRankPercentiles() {
        Histogram h = new Histogram();
        for (int v = 1; v <= 100; v++) h.record(v);
        Histogram.Snapshot s = h.snapshot();
        assertEquals(100, s.count());
        assertEquals(50, s.percentile(50));
        assertEquals(90, s.percentile(90));
        assertEquals(99, s.percentile(99));
        assertEquals(100, s.percentile(99.9));
        assertEquals(100, s.percentile(100));
        assertEquals(1, s.percentile(0));
        assertEquals(100, s.max());
    }

    @Test
    void largeValuesAreWithinOneSixtyFourthAboveTheTruth() {
        for (long v : new long[] {128, 1_000, 65_537, 1_234_567, 987_654_321, 60_000_000_000L}) {
            Histogram h = new Histogram();
            h.record(v);
            h.record(1);
            long p100 = h.snapshot().percentile(100);
            assertEquals(v, p100, "the maximum caps the top percentile");
            long bucketTop = Histogram.highest(Histogram.bucket(v));
            assertTrue(bucketTop >= v && bucketTop <= v + v / 64, v + " -> " + bucketTop);
        }
    }

    @Test
    void bucketsCoverTheRangeInOrder() {
        long previous = -1;
        for (int i = 0; i < Histogram.BUCKETS - 1; i++) {
            long top = Histogram.highest(i);
            assertTrue(top > previous, "bucket " + i);
            assertEquals(i, Histogram.bucket(top));
            assertEquals(i + 1, Histogram.bucket(top + 1));
            previous = top;
        }
    }

    @Test
    void aTailOfSlowSamplesShowsOnlyInTheHighPercentiles() {
        Histogram h = new Histogram();
        for (int i = 0; i < 990; i++) h.record(100);
        for (int i = 0; i < 10; i++) h.record(1_000_000);
        Histogram.Snapshot s = h.snapshot();
        assertEquals(100, s.percentile(50));
        assertEquals(100, s.percentile(99));
        assertTrue(s.percentile(99.9) >= 1_000_000);
    }

    @Test
    void anIntervalIsTheDifferenceOfTwoSnapshots() {
        Histogram h = new Histogram();
        h.record(10);
        Histogram.Snapshot first = h.snapshot();
        h.record(20);
        h.record(30);
        Histogram.Snapshot interval = h.snapshot().minus(first);
        assertEquals(2, interval.count());
        assertEquals(20, interval.percentile(50));
        assertEquals(30, interval.percentile(100));
    }

    @Test
    void emptyIsZeroAndNegativeCountsAsZero() {
        Histogram h = new Histogram();
        assertEquals(0, h.snapshot().percentile(99));
        h.record(-5);
        assertEquals(0, h.snapshot().percentile(100));
    }
}
