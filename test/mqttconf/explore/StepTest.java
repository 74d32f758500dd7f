package mqttconf.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

import mqttconf.cli.UsageException;

/** Steps print as replay lines and parse back; the shrinker finds the smallest valid trace still failing. */
class StepTest {
    @Test
    void everyKindOfStepRoundTripsThroughItsLine() {
        List<Step> all = List.of(new Step.Connect(0, true, -1, false), new Step.Connect(4, false, 2, true),
                new Step.Disconnect(1), new Step.Drop(2), new Step.Subscribe(0, List.of("a/+", "#"), 2),
                new Step.Unsubscribe(3, "+/x"), new Step.Publish(1, "a/x", 1, true, true), new Step.Publish(1, "b", 0, false, false),
                new Step.Hold(0), new Step.Release(0));
        for (Step s : all) assertEquals(s, Step.parse(Step.format(s)), Step.format(s));
    }

    @Test
    void aBadLineIsAUsageErrorNamingIt() {
        UsageException e = assertThrows(UsageException.class, () -> Step.parse("a publish a qos=x"));
        assertEquals("not a step: 'a publish a qos=x'", e.getMessage());
        assertThrows(UsageException.class, () -> Step.parse("z connect clean=1"));
    }

    @Test
    void shrinkingKeepsTheFewestValidStepsThatStillFail() {
        List<Step> trace = new Generator(3, 3, java.util.Set.of()).trace(20, 20);
        trace = new java.util.ArrayList<>(trace);
        trace.add(0, new Step.Connect(0, true, -1, false));
        trace.add(new Step.Publish(0, "b/x", 2, true, false));
        // "Fails" when a retained QoS 2 publish on b/x comes from a connected client a.
        Predicate<List<Step>> fails = t -> Shrinker.valid(t).equals(t)
                && t.stream().anyMatch(s -> s.equals(new Step.Publish(0, "b/x", 2, true, false)));
        List<Step> small = new Shrinker(fails, 500).shrink(trace);
        assertEquals(2, small.size(), small.toString());
        assertEquals(new Step.Publish(0, "b/x", 2, true, false), small.get(1));
        assertEquals(0, small.get(0).client());
    }

    @Test
    void generatedTracesAreValidAsTheyStand() {
        for (long seed = 0; seed < 200; seed++) {
            List<Step> t = new Generator(seed, 5, java.util.Set.of()).trace(5, 30);
            assertEquals(t, Shrinker.valid(t), "seed " + seed);
        }
    }
}
