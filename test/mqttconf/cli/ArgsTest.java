package mqttconf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class ArgsTest {
    private static Args parse(String... args) {
        return new Args.Parser()
                .option("port", 'p')
                .option("config", 'c')
                .option("case")
                .flag("verbose", 'v')
                .flag("quiet")
                .parse(List.of(args));
    }

    private static String usageError(Runnable r) {
        return assertThrows(UsageException.class, r::run).getMessage();
    }

    @Test
    void optionValuesTakeTheNextArgumentOrFollowAnEqualsSign() {
        assertEquals(1883, parse("--port", "1883").intValue("port", 0, 1, 65535));
        assertEquals(1884, parse("--port=1884").intValue("port", 0, 1, 65535));
        assertEquals(Optional.of(""), parse("--config=").value("config"));
        assertEquals(Optional.of("a=b"), parse("--config=a=b").value("config"));
    }

    @Test
    void shortAliasesNameTheSameOptions() {
        Args a = parse("-c", "broker.conf", "-v", "-p", "1");
        assertEquals("broker.conf", a.value("config", "none"));
        assertTrue(a.has("verbose"));
        assertFalse(a.has("quiet"));
        assertEquals(1, a.intValue("port", 1883, 1, 65535));
    }

    @Test
    void absentOptionsFallBack() {
        Args a = parse();
        assertEquals(1883, a.intValue("port", 1883, 1, 65535));
        assertEquals("none", a.value("config", "none"));
        assertEquals(Optional.empty(), a.value("config"));
        assertEquals("text", a.choice("config", "text", "text", "json"));
    }

    @Test
    void repeatedOptionsKeepEveryValueAndTheLastWins() {
        Args a = parse("--case", "a", "--case=b", "--port", "1", "--port", "2");
        assertEquals(List.of("a", "b"), a.values("case"));
        assertEquals(2, a.intValue("port", 0, 1, 65535));
    }

    @Test
    void positionalArgumentsKeepTheirOrderAndDoubleDashEndsOptions() {
        Args a = parse("localhost:1883", "-v", "-", "--", "--port", "-x");
        assertEquals(List.of("localhost:1883", "-", "--port", "-x"), a.positional());
        assertTrue(a.has("verbose"));
        assertFalse(a.has("port"));
        assertEquals("unexpected argument 'localhost:1883'", usageError(a::rejectPositional));
        parse("-v").rejectPositional();
    }

    @Test
    void badCommandLinesAreUsageErrorsInPlainWords() {
        assertEquals("unknown option --foo", usageError(() -> parse("--foo")));
        assertEquals("unknown option --foo", usageError(() -> parse("--foo=1")));
        assertEquals("unknown option -x", usageError(() -> parse("-x")));
        assertEquals("unknown option -vq", usageError(() -> parse("-vq")));
        assertEquals("option --port needs a value", usageError(() -> parse("--port")));
        assertEquals("option --config needs a value", usageError(() -> parse("-c")));
        assertEquals("option --verbose takes no value", usageError(() -> parse("--verbose=yes")));
    }

    @Test
    void integersAreCheckedForFormAndRange() {
        assertEquals("--port must be an integer, not 'abc'",
                usageError(() -> parse("--port", "abc").intValue("port", 0, 1, 65535)));
        assertEquals("--port must be between 1 and 65535, not 70000",
                usageError(() -> parse("--port=70000").intValue("port", 0, 1, 65535)));
        assertEquals("--port must be an integer, not '99999999999'",
                usageError(() -> parse("--port=99999999999").intValue("port", 0, 1, 65535)));
        assertEquals(-5, Args.parseInt("offset", "-5", -10, 10));
        assertEquals("port in 'h:x' must be an integer, not 'x'",
                usageError(() -> Args.parseInt("port in 'h:x'", "x", 1, 65535)));
    }

    @Test
    void choicesListTheAllowedValues() {
        assertEquals("json", parse("--config", "json").choice("config", "text", "text", "tsv", "json"));
        assertEquals("--config must be text, tsv or json, not 'xml'",
                usageError(() -> parse("--config", "xml").choice("config", "text", "text", "tsv", "json")));
    }

    @Test
    void askingForAnUndeclaredOptionIsAProgrammingError() {
        assertThrows(IllegalArgumentException.class, () -> parse().has("prot"));
        assertThrows(IllegalArgumentException.class, () -> new Args.Parser().flag("a").flag("a"));
        assertThrows(IllegalArgumentException.class, () -> new Args.Parser().flag("a", 'x').flag("b", 'x'));
    }
}
