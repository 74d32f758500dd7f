package mqttconf.report;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks, before a run or at broker start, that every report file can be written, so a typo in a path costs a
 * second and not the run's results. Writes nothing.
 */
public final class OutputPaths {
    /** An option and the file it names: {@code --junit r.xml}. */
    public record Output(String option, String file) { }

    private OutputPaths() {
    }

    /** The first problem in one line ({@code --junit /no/dir/r.xml: no directory /no/dir}), or null when all can be written. */
    public static String problem(List<Output> outputs) {
        Map<Path, Output> seen = new HashMap<>();
        for (Output o : outputs) {
            if (o.file().isEmpty()) return o.option() + " needs a file name";
            String where = o.option() + " " + o.file();
            Path p;
            try {
                p = Path.of(o.file()).toAbsolutePath().normalize();
            } catch (InvalidPathException e) {
                return where + ": not a file name";
            }
            Output before = seen.putIfAbsent(p, o);
            if (before != null) return where + ": the same file as " + before.option() + " " + before.file();
            if (Files.isDirectory(p)) return where + ": is a directory";
            if (Files.exists(p)) {
                if (!Files.isRegularFile(p)) return where + ": not a regular file";
                if (!Files.isWritable(p)) return where + ": not writable";
                continue;
            }
            Path dir = p.getParent();
            if (dir == null || !Files.isDirectory(dir)) return where + ": no directory " + (dir == null ? "" : dir);
            if (!Files.isWritable(dir)) return where + ": directory " + dir + " not writable";
        }
        return null;
    }
}
