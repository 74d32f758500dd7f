package mqttconf.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SequenceTrackerTest {
    @Test
    void everyMessageOnceInOrderMeansNothingLost() {
        SequenceTracker t = new SequenceTracker(2);
        for (int seq = 0; seq < 100; seq++) {
            t.record(0, seq);
            t.record(1, seq);
        }
        assertEquals(200, t.received());
        assertEquals(0, t.lost(200));
        assertEquals(0, t.duplicates());
        assertEquals(0, t.outOfOrder());
    }

    @Test
    void gapsAreLossesAgainstWhatWasSent() {
        SequenceTracker t = new SequenceTracker(1);
        for (int seq = 0; seq < 10; seq++) if (seq % 3 != 0) t.record(0, seq);
        assertEquals(6, t.received());
        assertEquals(4, t.lost(10), "0, 3, 6 and 9 are missing");
        assertEquals(0, t.outOfOrder());
    }

    @Test
    void aRepeatIsADuplicateNotANewMessage() {
        SequenceTracker t = new SequenceTracker(1);
        t.record(0, 0);
        t.record(0, 1);
        t.record(0, 1);
        t.record(0, 0);
        assertEquals(4, t.received());
        assertEquals(2, t.distinct());
        assertEquals(2, t.duplicates());
        assertEquals(0, t.lost(2));
        assertEquals(0, t.outOfOrder(), "a duplicate is not counted as reordering");
    }

    @Test
    void anEarlierMessageAfterALaterOneIsOutOfOrderPerPublisher() {
        SequenceTracker t = new SequenceTracker(2);
        t.record(0, 1);
        t.record(1, 5);
        t.record(0, 0);
        t.record(1, 6);
        assertEquals(1, t.outOfOrder());
    }

    @Test
    void messagesFromOutsideTheRunAreSetAside() {
        SequenceTracker t = new SequenceTracker(1);
        assertFalse(t.record(1, 0));
        assertFalse(t.record(-1, 0));
        assertFalse(t.record(0, -1));
        assertTrue(t.record(0, 0));
        assertEquals(3, t.foreign());
        assertEquals(1, t.received());
    }
}
