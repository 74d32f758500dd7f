package mqttconf.broker.fuzz;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/** Open file descriptors of this process, where Linux shows them in /proc/self/fd; -1 elsewhere. */
public final class Fds {
    private Fds() {
    }

    public static int count() {
        String[] names = new File("/proc/self/fd").list();
        return names == null ? -1 : names.length;
    }

    /** What each descriptor points at ({@code socket:[123]}, a file path), for a failure message. */
    public static List<String> targets() {
        List<String> out = new ArrayList<>();
        File[] fds = new File("/proc/self/fd").listFiles();
        if (fds == null) return out;
        for (File f : fds) {
            try {
                out.add(f.getName() + "->" + Files.readSymbolicLink(f.toPath()));
            } catch (IOException e) {
                // closed while listing
            }
        }
        return out;
    }
}
