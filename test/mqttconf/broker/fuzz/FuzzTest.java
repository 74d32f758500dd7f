package mqttconf.broker.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/** A short fuzz run inside {@code make test}; {@code make fuzz} does the long one. */
class FuzzTest {
    @Test
    void theBrokerComesThroughTwentyThousandHostilePacketsUnharmedAndTheCanaryLosesNothing() throws Exception {
        FuzzReport r = new FuzzRun(20_251_125L, 20_000, 16).run();
        System.out.print(r.text());
        assertEquals(List.of(), r.problems(), r.text());
        assertTrue(r.canaryReceived() > 0, r.text());
    }

    @Test
    void attacksAreReproducibleFromSeedAndIndex() {
        for (long i = 0; i < 200; i++) {
            assertTrue(Arrays.equals(Attack.of(7, i).bytes(), Attack.of(7, i).bytes()), "attack " + i);
        }
        assertTrue(!Arrays.equals(Attack.of(7, 1).bytes(), Attack.of(8, 1).bytes()), "another seed, other bytes");
    }
}
