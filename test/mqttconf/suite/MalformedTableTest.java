package mqttconf.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import mqttconf.codec.ByteNotation;
import mqttconf.spec.Statements;
import mqttconf.suite.MalformedTable.Row;
import mqttconf.suite.MalformedTable.Terminal;

class MalformedTableTest {
    private final List<Row> rows = MalformedTable.load();

    @Test
    void theTableHasAtLeast150RowsWithUniqueNames() {
        assertTrue(rows.size() >= 150, rows.size() + " rows");
        Set<String> names = new HashSet<>();
        for (Row r : rows) assertTrue(names.add(r.name()), "duplicate row name: " + r.name());
    }

    @Test
    void everyRowParsesAndNamesKnownStatements() {
        for (Row r : rows) {
            byte[] b = ByteNotation.parse(r.send().replace("{cid23}", "a".repeat(23)).replace("{cid}", "c").replace("{topic}", "t"));
            assertFalse(b.length == 0, r.name());
            for (String id : r.ids()) Statements.get(id);
            assertTrue(Set.of("MUST", "SHOULD", "MAY").contains(r.level()), r.name() + ": level " + r.level());
            assertFalse(r.expect().isEmpty(), r.name());
        }
    }

    @Test
    void expectationsReadRepliesWildcardsAndAlternatives() {
        Row r = MalformedTable.parse(List.of("name\tids\tlevel\tafter\tsend\texpect",
                "x\tMQTT-3.8.4-1\tMUST\tconnect\t82 r* s1 u'a' 00\t90 03 00 01 ?? -> open || close")).get(0);
        assertEquals(2, r.expect().size());
        assertTrue(r.expect().get(0).matches(List.of(new byte[] {(byte) 0x90, 3, 0, 1, 2}), Terminal.OPEN));
        assertFalse(r.expect().get(0).matches(List.of(new byte[] {(byte) 0x90, 3, 0, 2, 2}), Terminal.OPEN));
        assertFalse(r.expect().get(0).matches(List.of(), Terminal.OPEN));
        assertTrue(r.expect().get(1).matches(List.of(), Terminal.CLOSE));
        assertFalse(r.expect().get(1).matches(List.of(new byte[] {(byte) 0xd0, 0}), Terminal.CLOSE));
    }

    @Test
    void malformedRowsAreReportedWithTheirLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MalformedTable.parse(
                List.of("header", "x\tMQTT-3.8.4-1\tMUST\tsoon\t00\tclose")));
        assertTrue(e.getMessage().contains(":2:"), e.getMessage());
    }

    @Test
    void clientId23HasTwentyThreeAllowedCharacters() {
        String id = MalformedCaseRunner.clientId23("mqttconf-1a2b-x17");
        assertEquals(23, id.length());
        assertTrue(id.matches("[0-9a-zA-Z]{23}"), id);
    }

    /** The id checked live for a row is the one the server is sent: a U+FEFF written before the 23 characters too. */
    @Test
    void aRowsClientIdStartsWithTheBytesWrittenBeforeItsTwentyThreeCharacters() {
        Row bom = rows.stream().filter(r -> r.name().startsWith("CONNECT client identifier with U+FEFF")).findFirst().orElseThrow();
        Row plain = rows.stream().filter(r -> r.name().equals("CONNECT 23-character client identifier is accepted")).findFirst()
                .orElseThrow();
        assertEquals("\uFEFF", MalformedTests.idLead(bom));
        assertEquals("", MalformedTests.idLead(plain));
    }

    @Test
    void repliesOfDifferentFlowsMatchInAnyOrderButAConnAckComesFirst() {
        Row split = rows.stream().filter(r -> r.name().equals("PUBLISH, SUBSCRIBE, PINGREQ split across one segment"))
                .findFirst().orElseThrow();
        byte[] subAck = {(byte) 0x90, 0x03, 0x00, 0x02, 0x00};
        byte[] pingResp = {(byte) 0xd0, 0x00};
        assertTrue(split.expect().get(0).matches(List.of(subAck, pingResp), Terminal.OPEN));
        assertTrue(split.expect().get(0).matches(List.of(pingResp, subAck), Terminal.OPEN));
        assertFalse(split.expect().get(0).matches(List.of(pingResp, pingResp), Terminal.OPEN));
        Row first = rows.stream().filter(r -> r.name().equals("CONNECT with data after it in the same segment is processed in order"))
                .findFirst().orElseThrow();
        byte[] connAck = {0x20, 0x02, 0x00, 0x00};
        assertTrue(first.expect().get(0).matches(List.of(connAck, pingResp), Terminal.OPEN));
        assertFalse(first.expect().get(0).matches(List.of(pingResp, connAck), Terminal.OPEN), "PINGRESP before CONNACK");
    }

    @Test
    void rowsHoldingHalfAPacketAreFoundByTheirLength() {
        List<String> half = rows.stream().filter(MalformedTests::holdsHalfAPacket).map(Row::name).toList();
        assertTrue(half.contains("remaining length with a fifth byte"), half.toString());
        assertTrue(half.contains("remaining length longer than the content: the server waits"), half.toString());
        assertTrue(half.contains("PUBLISH with a large remaining length announced but not sent"), half.toString());
        assertFalse(half.contains("PUBLISH shorter than its topic length field"), half.toString());
        assertFalse(half.contains("PINGREQ remaining length with a fifth byte"), half.toString());
    }
}
