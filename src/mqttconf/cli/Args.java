package mqttconf.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed command line: long options with values ({@code --port 1883} or
 * {@code --port=1883}), flags ({@code --verbose}), one-letter aliases
 * ({@code -c FILE}, {@code -v}) and positional arguments. {@code --} ends the
 * options. Every problem is a {@link UsageException} in plain words.
 *
 * <pre>{@code
 * Args a = new Args.Parser().option("port", 'p').flag("verbose", 'v').parse(args);
 * int port = a.intValue("port", 1883, 1, 65535);
 * }</pre>
 */
public final class Args {
    private final Parser parser;
    private final Map<String, List<String>> values;
    private final List<String> positional;

    private Args(Parser parser, Map<String, List<String>> values, List<String> positional) {
        this.parser = parser;
        this.values = values;
        this.positional = positional;
    }

    /** Declares the options of a mode, then parses its arguments. */
    public static final class Parser {
        private final Map<String, Boolean> takesValue = new LinkedHashMap<>();
        private final Map<Character, String> aliases = new HashMap<>();

        /** An option that takes a value: {@code --name VALUE} or {@code --name=VALUE}. */
        public Parser option(String name) {
            return declare(name, true);
        }

        /** An option that takes a value, also written {@code -alias VALUE}. */
        public Parser option(String name, char alias) {
            return alias(declare(name, true), name, alias);
        }

        /** A flag without value: {@code --name}. */
        public Parser flag(String name) {
            return declare(name, false);
        }

        /** A flag without value, also written {@code -alias}. */
        public Parser flag(String name, char alias) {
            return alias(declare(name, false), name, alias);
        }

        private Parser declare(String name, boolean hasValue) {
            if (takesValue.putIfAbsent(name, hasValue) != null) {
                throw new IllegalArgumentException("option --" + name + " declared twice");
            }
            return this;
        }

        private Parser alias(Parser p, String name, char alias) {
            if (aliases.putIfAbsent(alias, name) != null) {
                throw new IllegalArgumentException("alias -" + alias + " declared twice");
            }
            return p;
        }

        public Args parse(List<String> args) {
            Map<String, List<String>> values = new HashMap<>();
            List<String> positional = new ArrayList<>();
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                if (arg.equals("--")) {
                    positional.addAll(args.subList(i + 1, args.size()));
                    break;
                }
                String name;
                String value = null;
                if (arg.startsWith("--")) {
                    int eq = arg.indexOf('=');
                    name = arg.substring(2, eq < 0 ? arg.length() : eq);
                    value = eq < 0 ? null : arg.substring(eq + 1);
                    if (!takesValue.containsKey(name)) {
                        throw new UsageException("unknown option --" + name);
                    }
                } else if (arg.length() == 2 && arg.charAt(0) == '-' && arg.charAt(1) != '-') {
                    name = aliases.get(arg.charAt(1));
                    if (name == null) {
                        throw new UsageException("unknown option " + arg);
                    }
                } else if (arg.length() > 2 && arg.charAt(0) == '-') {
                    throw new UsageException("unknown option " + arg);
                } else {
                    positional.add(arg);
                    continue;
                }
                if (takesValue.get(name)) {
                    if (value == null) {
                        if (i + 1 >= args.size()) {
                            throw new UsageException("option --" + name + " needs a value");
                        }
                        value = args.get(++i);
                    }
                } else if (value != null) {
                    throw new UsageException("option --" + name + " takes no value");
                } else {
                    value = "";
                }
                values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            }
            return new Args(this, values, List.copyOf(positional));
        }
    }

    /** Whether the option or flag was given. */
    public boolean has(String name) {
        return !values(name).isEmpty();
    }

    /** Every value given for the option, in order. */
    public List<String> values(String name) {
        if (!parser.takesValue.containsKey(name)) {
            throw new IllegalArgumentException("option --" + name + " was not declared");
        }
        return values.getOrDefault(name, List.of());
    }

    /** The last value given for the option. */
    public Optional<String> value(String name) {
        List<String> all = values(name);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    public String value(String name, String fallback) {
        return value(name).orElse(fallback);
    }

    /** The option as an integer in {@code [min, max]}, or {@code fallback} when absent. */
    public int intValue(String name, int fallback, int min, int max) {
        Optional<String> v = value(name);
        return v.isEmpty() ? fallback : parseInt("--" + name, v.get(), min, max);
    }

    /** The option's value, which must be one of {@code allowed}, or {@code fallback} when absent. */
    public String choice(String name, String fallback, String... allowed) {
        Optional<String> v = value(name);
        if (v.isEmpty()) {
            return fallback;
        }
        for (String a : allowed) {
            if (a.equals(v.get())) {
                return a;
            }
        }
        throw new UsageException("--" + name + " must be " + oneOf(allowed) + ", not '" + v.get() + "'");
    }

    /** The arguments that are not options, in order. */
    public List<String> positional() {
        return positional;
    }

    /** Fails when any positional argument was given. */
    public void rejectPositional() {
        if (!positional.isEmpty()) {
            throw new UsageException("unexpected argument '" + positional.get(0) + "'");
        }
    }

    /** Parses {@code text} as an integer in {@code [min, max]}; {@code what} names it in the error. */
    public static int parseInt(String what, String text, int min, int max) {
        int n;
        try {
            n = Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new UsageException(what + " must be an integer, not '" + text + "'");
        }
        if (n < min || n > max) {
            throw new UsageException(what + " must be between " + min + " and " + max + ", not " + n);
        }
        return n;
    }

    private static String oneOf(String... allowed) {
        if (allowed.length == 1) {
            return allowed[0];
        }
        return String.join(", ", List.of(allowed).subList(0, allowed.length - 1)) + " or " + allowed[allowed.length - 1];
    }
}
