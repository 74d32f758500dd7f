package mqttconf.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void plainTextIsOnlyQuoted() {
        assertEquals("\"MQTT-3.1.2-24\"", Json.quote("MQTT-3.1.2-24"));
        assertEquals("\"\"", Json.quote(""));
    }

    @Test
    void quoteBackslashAndControlCharactersAreEscaped() {
        assertEquals("\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u001f\"", Json.quote("a\"b\\c\n\r\t\b\f\u0001\u001f"));
    }

    @Test
    void lineSeparatorsAndLoneSurrogatesAreEscapedPairsAreKept() {
        assertEquals("\"\\u2028\\u2029\"", Json.quote("\u2028\u2029"));
        assertEquals("\"\uD83D\uDE00\"", Json.quote("\uD83D\uDE00"));
        assertEquals("\"x\\ud83dy\\ude00\"", Json.quote("x\uD83Dy\uDE00"));
    }

    @Test
    void nonAsciiTextIsKept() {
        assertEquals("\"“Reserved” • ü\"", Json.quote("“Reserved” • ü"));
    }

    @Test
    void everyCharacterRoundTripsThroughAParser() {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x3000; c++) {
            if (!Character.isSurrogate(c)) {
                all.append(c);
            }
        }
        assertEquals(all.toString(), MiniJson.parse(Json.quote(all.toString())));
    }

    @Test
    void appendsToABuilder() {
        StringBuilder out = new StringBuilder("{\"k\": ");
        Json.quote(out, "v").append('}');
        assertEquals("{\"k\": \"v\"}", out.toString());
    }
}
