package mqttconf.suite;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import mqttconf.spec.Statements;

/**
 * Which tests to run: names matching any {@code --only} pattern (all when none), none matching a {@code --skip}
 * pattern, checking any of the {@code --statement} ids, in any of the {@code --section}s. A pattern with
 * {@code *} or {@code ?} is a glob over the whole name; otherwise it matches any part of the name. Case is ignored.
 */
public record Selection(List<String> only, List<String> skip, List<String> statements, List<String> sections) {
    public Selection {
        only = List.copyOf(only);
        skip = List.copyOf(skip);
        statements = List.copyOf(statements);
        sections = List.copyOf(sections);
        for (String id : statements) {
            try {
                Statements.get(id);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--statement: unknown statement id '" + id + "' (e.g. MQTT-3.1.2-24)");
            }
        }
        for (String s : sections) {
            if (!s.matches("[1-9][0-9]*(\\.[0-9]+)*")) throw new IllegalArgumentException("--section: '" + s + "' is not a section number like 3.8");
        }
    }

    public static Selection everything() {
        return new Selection(List.of(), List.of(), List.of(), List.of());
    }

    public List<TestCase> apply(List<TestCase> tests) {
        return tests.stream().filter(this::selects).toList();
    }

    public boolean selects(TestCase t) {
        if (!only.isEmpty() && only.stream().noneMatch(p -> matches(p, t.name()))) return false;
        if (skip.stream().anyMatch(p -> matches(p, t.name()))) return false;
        if (!statements.isEmpty() && statements.stream().noneMatch(t.statementIds()::contains)) return false;
        return sections.isEmpty() || sections.stream().anyMatch(t::inSection);
    }

    static boolean matches(String pattern, String name) {
        String p = pattern.toLowerCase(Locale.ROOT);
        String n = name.toLowerCase(Locale.ROOT);
        if (p.indexOf('*') < 0 && p.indexOf('?') < 0) return n.contains(p);
        StringBuilder re = new StringBuilder();
        for (char c : p.toCharArray()) {
            if (c == '*') re.append(".*");
            else if (c == '?') re.append('.');
            else re.append(Pattern.quote(String.valueOf(c)));
        }
        return n.matches(re.toString());
    }
}
