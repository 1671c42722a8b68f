package io.cellwatch.process;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cellwatch.process.testmains.Sleeper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class ChildJvmTest {

    @TempDir
    Path dir;

    @Test
    void shouldPutWatchdogPidAndLauncherDirectoryInFrontWhenWatchingTheParent() {
        Path launcher = dir.resolve("launcher");
        ChildJvm jvm = ChildJvm.builder(Path.of("/opt/java"), "org.example.Server")
                .jvmArgs(List.of("-Xmx64m", "-Da=b"))
                .jvmArg("-Xmx128m")
                .classpath("x.jar" + File.pathSeparator + "y.jar")
                .watchParent(launcher)
                .args(List.of("--config", "c.yaml"))
                .arg("last")
                .output(dir.resolve("out.log"), true)
                .build();

        assertEquals(List.of(Path.of("/opt/java").toString(), "-Xmx64m", "-Da=b", "-Xmx128m",
                "-D" + ChildMain.PARENT_PID_PROPERTY + "=" + ProcessHandle.current().pid(),
                "-cp", launcher.toAbsolutePath() + File.pathSeparator + "x.jar" + File.pathSeparator + "y.jar",
                ChildMain.class.getName(), "org.example.Server", "--config", "c.yaml", "last"), jvm.command());
        assertEquals("org.example.Server", jvm.mainClass());
    }

    @Test
    void shouldRunTheMainClassDirectlyWhenNotWatching() {
        ChildJvm jvm = ChildJvm.builder(Path.of("java"), "org.example.Tool")
                .jvmArg("-Xmx32m")
                .arg("format")
                .output(dir.resolve("out.log"), false)
                .build();

        assertEquals(List.of("java", "-Xmx32m", "org.example.Tool", "format"), jvm.command());
    }

    @Test
    void shouldRequireAnOutputFile() {
        ChildJvm.Builder builder = ChildJvm.builder(Path.of("java"), "org.example.Tool");

        assertThrows(IllegalStateException.class, builder::build);
    }

    @Test
    void shouldFindTheJavaOfTheRunningJvm() {
        assertTrue(Files.isExecutable(ChildJvm.defaultJavaExecutable()), ChildJvm.defaultJavaExecutable().toString());
    }

    @Test
    void shouldRunInWorkingDirectoryWithEnvironmentAndAppendOrReplaceOutput() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        Path log = dir.resolve("child.log");

        assertEquals(0, TestJvms.runToEnd(sleeper(log, true).workingDirectory(work)
                .environment("CELLWATCH_TEST", "hello").build()));
        assertEquals(0, TestJvms.runToEnd(sleeper(log, true).workingDirectory(work)
                .environment("CELLWATCH_TEST", "again").build()));
        String appended = Files.readString(log, StandardCharsets.UTF_8);

        assertTrue(appended.contains("dir=" + work.toRealPath()) || appended.contains("dir=" + work), appended);
        assertTrue(appended.contains("env=hello") && appended.contains("env=again"), appended);

        assertEquals(0, TestJvms.runToEnd(sleeper(log, false).build()));
        String replaced = Files.readString(log, StandardCharsets.UTF_8);

        assertFalse(replaced.contains("env=hello"), replaced);
        assertTrue(replaced.contains("started [0]"), replaced);
    }

    @Test
    void shouldSayWhichMainClassCouldNotBeLaunched() {
        ChildJvm jvm = ChildJvm.builder(dir.resolve("no-such-java"), "org.example.Server")
                .output(dir.resolve("out.log"), true).build();

        IOException e = assertThrows(IOException.class, jvm::start);

        assertTrue(e.getMessage().startsWith("could not launch " + dir.resolve("no-such-java")
                + " for org.example.Server"), e.getMessage());
    }

    @Test
    void shouldInstallChildMainOnceAndReplaceADifferentCopy() throws Exception {
        Path launcher = dir.resolve("launcher");
        byte[] original;
        try (var in = ChildMain.class.getResourceAsStream("ChildMain.class")) {
            original = in.readAllBytes();
        }

        Path installed = ChildJvm.installChildMain(launcher);
        assertEquals(launcher.resolve("io/cellwatch/process/ChildMain.class"), installed);
        assertArrayEquals(original, Files.readAllBytes(installed));

        Files.writeString(installed, "stale");
        ChildJvm.installChildMain(launcher);
        assertArrayEquals(original, Files.readAllBytes(installed));
        try (var files = Files.list(installed.getParent())) {
            assertEquals(List.of(installed), files.toList(), "no temporary files left");
        }
    }

    private ChildJvm.Builder sleeper(Path log, boolean append) {
        return TestJvms.builder(Sleeper.class).classpath(TestJvms.testClasses().toString()).arg("0")
                .output(log, append);
    }
}
