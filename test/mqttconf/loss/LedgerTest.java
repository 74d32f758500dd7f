package mqttconf.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class LedgerTest {
    private static Ledger ledger(int qos, int completed, int sentOnly) {
        Ledger l = new Ledger();
        l.declare("s", qos);
        l.subscriber("sub");
        for (int i = 0; i < completed + sentOnly; i++) {
            l.sent("s", i);
            if (i < completed) {
                l.completed("s", i);
            }
        }
        return l;
    }

    private static Ledger.Totals receive(Ledger l, int qos, int... seqs) {
        for (int s : seqs) {
            l.received("sub", "s", s);
        }
        return l.totals(qos);
    }

    @Test
    void everyCompletedMessageOnceInOrderIsPerfect() {
        Ledger.Totals t = receive(ledger(2, 4, 0), 2, 0, 1, 2, 3);
        assertEquals(new Ledger.Totals(2, 4, 4, 0, 4, 0, 0, 0), t);
        assertTrue(t.perfect());
    }

    @Test
    void qos1DuplicatesOfSeenNumbersAreCountedButAllowedEvenGoingBackwards() {
        Ledger.Totals t = receive(ledger(1, 4, 0), 1, 0, 1, 2, 1, 2, 3, 3);
        assertEquals(new Ledger.Totals(1, 4, 4, 0, 7, 0, 3, 0), t);
        assertTrue(t.perfect());
    }

    @Test
    void qos2DuplicatesFail() {
        Ledger.Totals t = receive(ledger(2, 3, 0), 2, 0, 1, 1, 2);
        assertEquals(1, t.duplicated());
        assertEquals(0, t.outOfOrder());
        assertFalse(t.perfect());
    }

    @Test
    void aMissingCompletedMessageIsLostAtEitherLevel() {
        Ledger l = ledger(1, 4, 0);
        Ledger.Totals t = receive(l, 1, 0, 1, 3);
        assertEquals(1, t.lost());
        assertEquals(List.of(2), l.lost("sub", "s", 10));
        assertFalse(t.perfect());
        assertFalse(l.allDelivered());
    }

    @Test
    void aFirstArrivalBelowTheHighestSeenIsOutOfOrder() {
        Ledger.Totals t = receive(ledger(1, 4, 0), 1, 0, 2, 1, 3);
        assertEquals(1, t.outOfOrder());
        assertEquals(0, t.duplicated());
        assertFalse(t.perfect());
    }

    @Test
    void messagesTheServerNeverAcknowledgedAreNotLostButUnacknowledged() {
        Ledger l = ledger(2, 2, 1);
        Ledger.Totals t = receive(l, 2, 0, 1);
        assertEquals(0, t.lost());
        assertEquals(1, t.unfinished());
        assertFalse(t.perfect(), "a flow the server left unfinished after the drain is a failure");
        assertTrue(l.allDelivered());
    }

    @Test
    void everySubscriberIsCheckedSeparately() {
        Ledger l = ledger(1, 2, 0);
        l.subscriber("other");
        l.received("sub", "s", 0);
        l.received("sub", "s", 1);
        l.received("other", "s", 1);
        Ledger.Totals t = l.totals(1);
        assertEquals(1, t.lost());
        assertEquals(3, t.received());
        assertFalse(l.allDelivered());
    }

    @Test
    void messagesOfUnknownStreamsOrUnreadablePayloadsAreForeign() {
        Ledger l = ledger(1, 1, 0);
        l.received("sub", "elsewhere", 0);
        l.received("sub", "s", LossClient.sequence("x1".getBytes()));
        assertEquals(2, l.foreign());
        assertEquals(0, l.totals(1).received());
    }
}
