package mqttconf.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Output files (--json and the like) are checked before a run, so a bad path does not cost the results. */
public final class OutputFile {
    private OutputFile() {
    }

    /** Fails with one line when {@code file} cannot be written: no such directory, a directory, no permission. */
    public static void checkWritable(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        if (Files.isDirectory(file)) throw new UsageException("cannot write " + file + ": it is a directory");
        if (dir == null || !Files.isDirectory(dir)) throw new UsageException("cannot write " + file + ": no such directory " + dir);
        if (Files.exists(file) ? !Files.isWritable(file) : !Files.isWritable(dir))
            throw new UsageException("cannot write " + file + ": permission denied");
    }
}
