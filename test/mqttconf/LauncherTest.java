package mqttconf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/mqttconf against stand-in runtimes: a {@code java} script that records its arguments, and a release file.
 * The launcher learns versions from the release files (never by running {@code java -version}), picks a runtime,
 * and passes its defaults first and MQTTCONF_OPTS after them.
 */
class LauncherTest {
    @TempDir
    Path dir;
    private Path root;
    private Path jvms;

    @BeforeEach
    void checkout() throws IOException {
        root = dir.resolve("checkout").toFile().getCanonicalFile().toPath();
        Files.createDirectories(root.resolve("bin"));
        Files.createDirectories(root.resolve("build"));
        Files.copy(Path.of("bin/mqttconf"), root.resolve("bin/mqttconf"));
        Files.writeString(root.resolve("build/mqttconf.jar"), "");
        jvms = dir.resolve("jvm");
    }

    /** A runtime whose java appends one line per call, with its arguments, to HOME/calls. */
    private Path runtime(String name, String version) throws IOException {
        Path home = jvms.resolve(name);
        Files.createDirectories(home.resolve("bin"));
        Path java = home.resolve("bin/java");
        Files.writeString(java, "#!/bin/sh\nprintf '%s\\n' \"$*\" >> \"${0%/bin/java}/calls\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + version + "\"\n");
        return home;
    }

    private record Run(int code, String err) {
    }

    private Run launch(Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", root.resolve("bin/mqttconf").toString(), "version")
                .redirectError(dir.resolve("err.txt").toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().clear();
        pb.environment().putAll(Map.of("PATH", "/nonexistent", "HOME", dir.toString(),
                "MQTTCONF_JVM_DIR", jvms.toString()));
        pb.environment().putAll(env);
        Process p = pb.start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "launcher did not exit within 30 s");
        return new Run(p.exitValue(), Files.readString(dir.resolve("err.txt")));
    }

    private static List<String> calls(Path home) throws IOException {
        Path calls = home.resolve("calls");
        return Files.exists(calls) ? Files.readAllLines(calls, StandardCharsets.UTF_8) : List.of();
    }

    @Test
    void picksTheNewestRuntimeOnceWithDefaultsThenMqttconfOpts() throws Exception {
        Path old = runtime("java-17", "17.0.2");
        Path mid = runtime("java-21", "21.0.5");
        Path newest = runtime("java-25", "25.0.1");
        Run r = launch(Map.of("MQTTCONF_OPTS", "-Xmx64m -Dmark=1"));
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of(), calls(old), "no runtime is started to learn its version");
        assertEquals(List.of(), calls(mid));
        List<String> calls = calls(newest);
        assertEquals(1, calls.size(), "one call: " + calls);
        String archive = root.resolve("build/mqttconf-java25.0.1.jsa").toString();
        assertEquals("-XX:+UseSerialGC -Xms8m -Xmx256m -XX:TrimNativeHeapInterval=5000 -XX:SharedArchiveFile=" + archive
                + " -XX:+AutoCreateSharedArchive -Xlog:cds=off -Xlog:cds+dynamic=off -Xmx64m -Dmark=1 -jar "
                + root.resolve("build/mqttconf.jar") + " version", calls.get(0));
    }

    @Test
    void anArchiveOlderThanTheJarIsRemovedSoTheRunMakesANewOneAndANewerOneIsKept() throws Exception {
        Path home = runtime("java-25", "25.0.1");
        Path archive = root.resolve("build/mqttconf-java25.0.1.jsa");
        Path jar = root.resolve("build/mqttconf.jar");
        // The JVM ignores an archive made for another copy of the jar and never remakes it.
        Files.writeString(archive, "made for the jar before");
        Files.setLastModifiedTime(archive, java.nio.file.attribute.FileTime.fromMillis(1_000_000_000_000L));
        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(1_000_000_060_000L));
        // rm is the one program this path runs, so the PATH has it here.
        Map<String, String> env = Map.of("JAVA_HOME", home.toString(), "PATH", "/usr/bin:/bin");
        assertEquals(0, launch(env).code());
        assertFalse(Files.exists(archive), "stale archive removed");
        assertTrue(calls(home).get(0).contains("-XX:SharedArchiveFile=" + archive + " -XX:+AutoCreateSharedArchive"));

        Files.writeString(archive, "made for this jar");
        Files.setLastModifiedTime(archive, java.nio.file.attribute.FileTime.fromMillis(1_000_000_120_000L));
        assertEquals(0, launch(env).code());
        assertEquals("made for this jar", Files.readString(archive));
    }

    @Test
    void javaHomeWinsWhenNewEnough() throws Exception {
        Path chosen = runtime("java-21", "21.0.5");
        runtime("java-25", "25.0.1");
        Run r = launch(Map.of("JAVA_HOME", chosen.toString()));
        assertEquals(0, r.code(), r.err());
        List<String> calls = calls(chosen);
        assertEquals(1, calls.size(), "one call: " + calls);
        assertFalse(calls.get(0).contains("TrimNativeHeapInterval"), "a Java 21 option line: " + calls.get(0));
        assertTrue(calls.get(0).contains("-XX:SharedArchiveFile=" + root.resolve("build/mqttconf-java21.0.5.jsa")));
    }

    @Test
    void anOldJavaHomeIsPassedOver() throws Exception {
        Path old = runtime("java-17", "17.0.2");
        Path newest = runtime("java-25", "25.0.1");
        Run r = launch(Map.of("JAVA_HOME", old.toString()));
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of(), calls(old));
        assertEquals(1, calls(newest).size());
    }

    @Test
    void noRuntimeNewEnoughIsOneLineAndExitTwo() throws Exception {
        Path old = runtime("java-17", "1.8.0_292");
        Run r = launch(Map.of());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("mqttconf: needs Java 21 or newer"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertEquals(List.of(), calls(old));
    }
}
