package mqttconf.explore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import mqttconf.cli.UsageException;

/**
 * A saved divergence: comment lines saying what diverged, {@code clients N}, then one step per line as
 * {@link Step#format} writes it. Topics are relative, so the file replays against any server.
 */
public record ReplayFile(int clients, List<Step> steps, String statement) {
    static String text(Explorer.Found f) {
        StringBuilder out = new StringBuilder("# mqttconf explore replay (mqttconf explore --replay FILE)\n");
        out.append("# statement: ").append(f.divergence().statement()).append('\n');
        out.append("# expected: ").append(f.divergence().expected()).append('\n');
        out.append("# observed: ").append(f.divergence().observed()).append('\n');
        out.append("# found by seed ").append(f.seed()).append(", shrunk from ").append(f.original()).append(" to ")
                .append(f.steps().size()).append(" steps, reproduced ").append(f.reproduced()).append(" of ")
                .append(Explorer.CONFIRMATIONS).append('\n');
        out.append("clients ").append(f.clients()).append('\n');
        for (Step s : f.steps()) out.append(Step.format(s)).append('\n');
        return out.toString();
    }

    static Path save(Path dir, int number, Explorer.Found f) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve("explore-" + number + "-" + f.divergence().statement() + ".replay");
        Files.writeString(file, text(f), StandardCharsets.UTF_8);
        return file;
    }

    /** Reads a replay file; a missing or bad file is a {@link UsageException} naming it. */
    public static ReplayFile read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UsageException("cannot read replay file " + file + ": " + e.getMessage());
        }
        int clients = 0;
        String statement = null;
        List<Step> steps = new ArrayList<>();
        for (String line : lines) {
            String t = line.trim();
            if (t.startsWith("# statement: ")) statement = t.substring("# statement: ".length()).trim();
            if (t.isEmpty() || t.startsWith("#")) continue;
            if (t.startsWith("clients ")) {
                clients = mqttconf.cli.Args.parseInt(file + ": clients", t.substring(8), 1, 5);
                continue;
            }
            try {
                steps.add(Step.parse(t));
            } catch (UsageException e) {
                throw new UsageException(file + ": " + e.getMessage());
            }
        }
        if (clients == 0) throw new UsageException(file + ": no 'clients N' line: not an explore replay file");
        for (Step s : steps) {
            if (s.client() >= clients) throw new UsageException(file + ": step for client " + Step.slot(s.client()) + " beyond 'clients " + clients + "'");
        }
        return new ReplayFile(clients, steps, statement);
    }
}
