package mqttconf.explore;

import java.util.List;
import java.util.Set;

/** What a session may or must receive of one message. */
final class Expect {
    final Model.Msg msg;
    final boolean retainedCopy;
    final int routedOn;
    final Set<Integer> qos;
    final int maxQos;
    final int maxCopies;
    final List<String> filters;
    /** The statement making it a must, or null for a may. */
    String must;
    /** The statement forbidding it from now on, or null. */
    String voided;
    int copies;
    boolean gotMax;

    Expect(Model.Msg msg, boolean retainedCopy, int routedOn, Set<Integer> qos, int maxCopies, List<String> filters, String must) {
        this.msg = msg;
        this.retainedCopy = retainedCopy;
        this.routedOn = routedOn;
        this.qos = qos;
        this.maxQos = qos.stream().max(Integer::compare).orElse(0);
        this.maxCopies = maxCopies;
        this.filters = filters;
        this.must = must;
    }
}
