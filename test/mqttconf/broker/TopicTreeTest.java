package mqttconf.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import mqttconf.codec.TopicRules;

import mqttconf.spec.Coverage;

/** Topic matching (section 4.7): the tree and the single-filter check must agree. */
class TopicTreeTest {
    private static final String[][] CASES = {
        // filter, topic, matches?
        {"sport/tennis/player1/#", "sport/tennis/player1", "true"},
        {"sport/tennis/player1/#", "sport/tennis/player1/ranking", "true"},
        {"sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon", "true"},
        {"sport/#", "sport", "true"},
        {"#", "anything/at/all", "true"},
        {"sport/tennis/+", "sport/tennis/player1", "true"},
        {"sport/tennis/+", "sport/tennis/player1/ranking", "false"},
        {"sport/+", "sport", "false"},
        {"sport/+", "sport/", "true"},
        {"+/+", "/finance", "true"},
        {"/+", "/finance", "true"},
        {"+", "/finance", "false"},
        {"#", "$SYS/broker", "false"},
        {"+/monitor/Clients", "$SYS/monitor/Clients", "false"},
        {"$SYS/#", "$SYS/monitor/Clients", "true"},
        {"$SYS/monitor/+", "$SYS/monitor/Clients", "true"},
        {"ACCOUNTS", "Accounts", "false"},
        {"a b", "a b", "true"},
        {"a/b", "a/b/", "false"},
    };

    @Test
    void treeAndSingleFilterCheckFollowSection47() {
        for (String[] c : CASES) {
            boolean expected = Boolean.parseBoolean(c[2]);
            assertEquals(expected, TopicRules.matches(c[0], c[1]), c[0] + " vs " + c[1]);
            TopicTree tree = new TopicTree(new Coverage());
            Session s = new Session("s", true);
            tree.add(c[0], s, 1);
            assertEquals(expected, !tree.match(c[1]).isEmpty(), "tree: " + c[0] + " vs " + c[1]);
        }
    }

    @Test
    void identicalFilterReplacesAndRemoveIsExact() {
        TopicTree tree = new TopicTree(new Coverage());
        Session s = new Session("s", true);
        assertFalse(tree.add("a/+", s, 0));
        assertTrue(tree.add("a/+", s, 2), "identical filter replaces");
        assertEquals(List.of(new TopicTree.Match(s, "a/+", 2)), tree.match("a/b"));
        assertFalse(tree.remove("a/b", s), "no normalisation or matching on remove");
        assertTrue(tree.remove("a/+", s));
        assertEquals(List.of(), tree.match("a/b"));
    }
}
