package mqttconf.cli;

import java.io.PrintStream;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import mqttconf.spec.AppliesTo;
import mqttconf.spec.Statement;
import mqttconf.spec.Statements;
import mqttconf.util.Json;

/** {@code mqttconf statements}: lists the normative statements of MQTT 3.1.1. */
public final class StatementsMode implements Mode {
    private static final int WIDTH = 80;

    @Override
    public String name() {
        return "statements";
    }

    @Override
    public String summary() {
        return "list the " + Statements.size() + " normative statements of MQTT 3.1.1";
    }

    @Override
    public String usage() {
        return """
                usage: mqttconf statements [--applies-to server|client|both] [--format text|tsv|json] [ID...]

                Lists the normative statements of MQTT 3.1.1 (Appendix B): id, who
                they apply to, level (MUST/SHOULD/MAY), text, and for server statements
                no client can observe on the wire, why (tsv and json only).

                  --applies-to WHO   only statements for server, client or both
                  --format FORMAT    text (default, wrapped), tsv (as statements.tsv) or json
                  ID...              only these statements, e.g. MQTT-3.1.2-24

                examples:
                  mqttconf statements --applies-to client
                  mqttconf statements --format tsv MQTT-3.1.2-24
                """;
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        Args a = new Args.Parser().option("applies-to").option("format").parse(args);
        Set<AppliesTo> who = a.value("applies-to")
                .map(v -> EnumSet.of(AppliesTo.parse(a.choice("applies-to", v, "server", "client", "both"))))
                .orElse(EnumSet.allOf(AppliesTo.class));
        String format = a.choice("format", "text", "text", "tsv", "json");
        List<Statement> selected = select(a.positional()).stream().filter(s -> who.contains(s.appliesTo())).toList();
        out.print(switch (format) {
            case "tsv" -> tsv(selected);
            case "json" -> json(selected);
            default -> text(selected);
        });
        return Exit.OK;
    }

    private static List<Statement> select(List<String> ids) {
        if (ids.isEmpty()) {
            return Statements.all();
        }
        return ids.stream().map(id -> {
            try {
                return Statements.get(id);
            } catch (IllegalArgumentException e) {
                throw new UsageException(e.getMessage());
            }
        }).toList();
    }

    private static String tsv(List<Statement> list) {
        StringBuilder out = new StringBuilder("id\tsection\tapplies_to\tlevel\ttext\tunobservable\n");
        for (Statement s : list) {
            out.append(String.join("\t", s.id(), s.section(), s.appliesTo().label(), s.level().name(), s.text(),
                    s.unobservable()))
                    .append('\n');
        }
        return out.toString();
    }

    private static String json(List<Statement> list) {
        StringBuilder out = new StringBuilder("[");
        for (Statement s : list) {
            out.append(out.length() == 1 ? "\n" : ",\n").append("  {\"id\": ");
            Json.quote(out, s.id()).append(", \"section\": ");
            Json.quote(out, s.section()).append(", \"applies_to\": ");
            Json.quote(out, s.appliesTo().label()).append(", \"level\": ");
            Json.quote(out, s.level().name()).append(", \"text\": ");
            Json.quote(out, s.text()).append(", \"unobservable\": ");
            Json.quote(out, s.unobservable()).append('}');
        }
        return out.append(list.isEmpty() ? "]\n" : "\n]\n").toString();
    }

    /** {@code id  applies_to  level  text}, the text wrapped to WIDTH under its own column. */
    private static String text(List<Statement> list) {
        StringBuilder out = new StringBuilder();
        for (Statement s : list) {
            String head = String.format("%-13s  %-6s  %-6s  ", s.id(), s.appliesTo().label(), s.level().name());
            wrap(out, head, s.text());
        }
        return out.toString();
    }

    private static void wrap(StringBuilder out, String head, String text) {
        String indent = " ".repeat(head.length());
        StringBuilder line = new StringBuilder(head);
        boolean empty = true;
        for (String word : text.split(" +")) {
            if (!empty && line.length() + 1 + word.length() > WIDTH) {
                out.append(line).append('\n');
                line.setLength(0);
                line.append(indent);
                empty = true;
            }
            line.append(empty ? "" : " ").append(word);
            empty = false;
        }
        out.append(line).append('\n');
    }
}
