package mqttconf.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import mqttconf.suite.Result;
import mqttconf.suite.Verdict;

/**
 * The FAILs no root cause accounts for, grouped by the statements they report (the failed checks' ids, else the
 * test's own), in order of first appearance: a grouping for the reader, not a claim that one cause lies behind
 * each group.
 */
final class FailGroups {
    private FailGroups() {
    }

    static Map<List<String>, List<Result>> of(List<Result> results, Set<String> explained) {
        Map<List<String>, List<Result>> groups = new LinkedHashMap<>();
        for (Result r : results) {
            if (r.verdict() != Verdict.FAIL || explained.contains(r.test().name())) continue;
            groups.computeIfAbsent(ids(r), k -> new ArrayList<>()).add(r);
        }
        return groups;
    }

    static List<String> ids(Result r) {
        return r.failedStatements().isEmpty() ? r.test().statementIds() : r.failedStatements();
    }
}
