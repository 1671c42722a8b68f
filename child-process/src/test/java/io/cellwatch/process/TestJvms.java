package io.cellwatch.process;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Child JVMs for the tests: small and quick to start, from this module's class directories. */
final class TestJvms {

    static final List<String> JVM_ARGS = List.of("-Xmx32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    private TestJvms() {
    }

    /** This module's main classes (holding ChildMain). */
    static Path mainClasses() {
        return location(ChildMain.class);
    }

    /** This module's test classes (holding the test mains, but not ChildMain). */
    static Path testClasses() {
        return location(TestJvms.class);
    }

    static String bothClasspaths() {
        return mainClasses() + File.pathSeparator + testClasses();
    }

    static ChildJvm.Builder builder(Class<?> mainClass) {
        return ChildJvm.builder(ChildJvm.defaultJavaExecutable(), mainClass.getName()).jvmArgs(JVM_ARGS);
    }

    /** Starts a child, waits up to 30 s for it to end (killing it otherwise) and returns its exit code. */
    static int runToEnd(ChildJvm jvm) throws Exception {
        Process p = jvm.start();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                throw new AssertionError("child did not finish: " + jvm);
            }
            return p.exitValue();
        } finally {
            ChildProcesses.kill(p, Duration.ofSeconds(5), w -> { });
        }
    }

    /** The pid a {@code ChildHost} printed to its {@code host.log} in {@code work}. */
    static long grandchildPid(Path work) throws Exception {
        String out = Files.readString(work.resolve("host.log"), StandardCharsets.UTF_8);
        return out.lines().filter(l -> l.startsWith("grandchild ")).map(l -> Long.parseLong(l.substring(11).trim()))
                .findFirst().orElseThrow(() -> new AssertionError("no grandchild pid in: " + out));
    }

    private static Path location(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
