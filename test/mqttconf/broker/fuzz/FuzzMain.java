package mqttconf.broker.fuzz;

/**
 * {@code make fuzz}: one long seeded run. Seed and packet count come from the arguments, else from FUZZ_SEED
 * and FUZZ_PACKETS, else a time-based seed and one million packets; the seed is printed so a run can be repeated.
 * Exit status 1 when the broker did not come through unharmed.
 */
public final class FuzzMain {
    private FuzzMain() {
    }

    public static void main(String[] args) throws Exception {
        long seed = Long.parseLong(arg(args, 0, "FUZZ_SEED", String.valueOf(System.currentTimeMillis())));
        long packets = Long.parseLong(arg(args, 1, "FUZZ_PACKETS", "1000000"));
        int concurrency = Integer.parseInt(arg(args, 2, "FUZZ_CONCURRENCY", "32"));
        System.out.println("fuzz: seed " + seed + ", " + packets + " packets, " + concurrency + " connections at a time"
                + " (repeat with FUZZ_SEED=" + seed + ")");
        FuzzReport r = new FuzzRun(seed, packets, concurrency).run();
        System.out.print(r.text());
        System.exit(r.problems().isEmpty() ? 0 : 1);
    }

    private static String arg(String[] args, int i, String env, String fallback) {
        if (args.length > i) return args[i];
        String v = System.getenv(env);
        return v == null || v.isBlank() ? fallback : v.strip();
    }
}
