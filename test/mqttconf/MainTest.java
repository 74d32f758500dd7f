package mqttconf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import mqttconf.cli.Exit;
import mqttconf.cli.Mode;
import mqttconf.cli.Run;
import org.junit.jupiter.api.Test;

class MainTest {

    @Test
    void helpListsEveryModeAndExitsZero() {
        for (String help : List.of("--help", "-h", "help")) {
            Run r = Run.main(help);
            assertEquals(Exit.OK, r.code(), help);
            assertEquals("", r.err());
            for (Mode m : Main.MODES) {
                assertTrue(r.out().contains("\n  " + m.name() + " "), m.name());
            }
        }
    }

    @Test
    void noArgumentsListsTheModesOnStderrAndExitsTwo() {
        Run r = Run.main();
        assertEquals(Exit.USAGE, r.code());
        assertEquals("", r.out());
        assertEquals(Run.main("--help").out(), r.err());
    }

    @Test
    void versionFlagIsTheVersionMode() {
        Run r = Run.main("--version");
        assertEquals(Exit.OK, r.code());
        assertEquals(Run.main("version").out(), r.out());
        assertTrue(r.out().startsWith("mqttconf "), r.out());
    }

    @Test
    void everyModeHasHelpThatExitsZero() {
        for (Mode m : Main.MODES) {
            for (List<String> ask : List.of(List.of(m.name(), "--help"), List.of(m.name(), "-h"), List.of("help", m.name()),
                    List.of(m.name(), "--port", "1", "-h"))) {
                Run r = Run.main(ask.toArray(String[]::new));
                assertEquals(Exit.OK, r.code(), ask.toString());
                assertEquals(m.usage(), r.out());
                assertTrue(r.out().startsWith("usage: mqttconf " + m.name()), r.out());
                assertEquals("", r.err());
            }
            assertEquals(1, m.summary().lines().count(), m.name());
        }
    }

    @Test
    void helpForAnUnknownModeIsOneLine() {
        Run r = Run.main("help", "frobnicate");
        assertEquals(Exit.USAGE, r.code());
        assertEquals("mqttconf: unknown mode frobnicate (see mqttconf --help)\n", r.err());
    }

    @Test
    void unknownModeIsOneLineAndExitsTwo() {
        Run r = Run.main("frobnicate");
        assertEquals(Exit.USAGE, r.code());
        assertEquals("", r.out());
        assertEquals("mqttconf: unknown mode frobnicate (see mqttconf --help)\n", r.err());
        assertEquals("mqttconf: unknown option --frob (see mqttconf --help)\n", Run.main("--frob").err());
    }

    @Test
    void unknownFlagIsOneLineNamingTheModeAndExitsTwo() {
        Run r = Run.main("statements", "--foo");
        assertEquals(Exit.USAGE, r.code());
        assertEquals("", r.out());
        assertEquals("mqttconf statements: unknown option --foo (see mqttconf statements --help)\n", r.err());
    }

    @Test
    void helpAfterDoubleDashIsAnArgumentNotARequestForHelp() {
        Run r = Run.main("version", "--", "--help");
        assertEquals(Exit.USAGE, r.code());
    }

    @Test
    void unexpectedExceptionsAreOneLineAndExitThree() {
        Mode broken = new Mode() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public String summary() {
                return "always fails";
            }

            @Override
            public String usage() {
                return "usage: mqttconf broken\n";
            }

            @Override
            public int run(List<String> args, PrintStream out, PrintStream err) {
                throw new IllegalStateException("boom");
            }
        };
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(List.of(broken), new String[] {"broken"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(Exit.INTERNAL, code);
        assertEquals("mqttconf broken: internal error: java.lang.IllegalStateException: boom (please report it)\n",
                err.toString(StandardCharsets.UTF_8));
    }
}
