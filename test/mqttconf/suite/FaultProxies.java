package mqttconf.suite;

import java.io.IOException;
import java.util.List;

/** The suite's fault proxy with one of its {@link Mutations}, for the tests of other packages (explore's mutation check). */
public final class FaultProxies {
    /** A running proxy: connect to {@link #port()} to reach the upstream server through the fault. */
    public interface Running extends AutoCloseable {
        int port();

        @Override
        void close();
    }

    private FaultProxies() {
    }

    /** The names of the injected deviations, in the suite's order. */
    public static List<String> mutations() {
        return Mutations.all().stream().map(Mutations.Mutation::name).toList();
    }

    /** Starts a proxy on a free loopback port injecting the mutation named {@code name}. */
    public static Running start(String name, int upstreamPort) throws IOException {
        Mutations.Mutation m = Mutations.all().stream().filter(x -> x.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no mutation " + name));
        FaultProxy proxy = new FaultProxy(upstreamPort, m.fault());
        return new Running() {
            @Override
            public int port() {
                return proxy.port();
            }

            @Override
            public void close() {
                proxy.close();
            }
        };
    }
}
