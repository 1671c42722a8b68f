package io.cellwatch.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cellwatch.process.testmains.ChildHost;
import io.cellwatch.process.testmains.Sleeper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class ChildMainTest {

    @TempDir
    Path dir;

    @Test
    void shouldHaveNoNestedClassesBecauseItsClassFileIsCopiedAlone() {
        assertEquals(0, ChildMain.class.getDeclaredClasses().length);
        assertEquals(List.of(ChildMain.class), List.of(ChildMain.class.getNestMembers()));
    }

    @Test
    void shouldRunTheRealMainWithItsArgumentsFromTheCopiedClassFileAlone() throws Exception {
        Path log = dir.resolve("child.log");
        // Only the test classes on the classpath: ChildMain comes from the copy in the launcher directory.
        ChildJvm jvm = TestJvms.builder(Sleeper.class).classpath(TestJvms.testClasses().toString())
                .watchParent(dir.resolve("launcher")).args(List.of("0", "hello world")).output(log, true).build();

        assertEquals(0, TestJvms.runToEnd(jvm));
        assertTrue(Files.readString(log).contains("started [0, hello world]"), Files.readString(log));
    }

    @Test
    void shouldFailWithUsageWhenNoMainClassIsGiven() throws Exception {
        Path log = dir.resolve("child.log");
        ChildJvm jvm = TestJvms.builder(ChildMain.class).classpath(TestJvms.mainClasses().toString())
                .output(log, true).build();

        assertEquals(1, TestJvms.runToEnd(jvm));
        assertTrue(Files.readString(log).contains("usage: ChildMain <main class>"), Files.readString(log));
    }

    @Test
    void shouldExitWhenTheWatchedPidIsNotItsParent() throws Exception {
        Path log = dir.resolve("child.log");
        ChildJvm jvm = TestJvms.builder(Sleeper.class).classpath(TestJvms.testClasses().toString())
                .watchParent(dir.resolve("launcher")).arg("30000").output(log, true).build();
        ChildJvm.installChildMain(dir.resolve("launcher"));
        // The same command, but watching a pid that is not the parent: as if the parent had died.
        List<String> command = new ArrayList<>(jvm.command());
        command.replaceAll(arg -> arg.startsWith("-D" + ChildMain.PARENT_PID_PROPERTY + "=")
                ? "-D" + ChildMain.PARENT_PID_PROPERTY + "=" + (ProcessHandle.current().pid() + 1) : arg);
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        try {
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), "orphan did not stop");
            assertEquals(3, p.exitValue());
            String output = Files.readString(log);
            assertTrue(output.contains("is gone; stopping the orphaned " + Sleeper.class.getName()), output);
            assertFalse(output.contains("done"), output);
        } finally {
            ChildProcesses.kill(p, Duration.ofSeconds(5), w -> { });
        }
    }

    @Test
    void shouldStopTheChildWhenItsParentIsKilledWithoutRunningHooks() throws Exception {
        Path work = Files.createDirectories(dir.resolve("host"));
        ChildJvm host = TestJvms.builder(ChildHost.class).classpath(TestJvms.bothClasspaths())
                .args(List.of(work.toString(), TestJvms.testClasses().toString(), "halt"))
                .output(work.resolve("host.log"), true).build();

        assertEquals(0, TestJvms.runToEnd(host));
        long grandchild = TestJvms.grandchildPid(work);
        Optional<ProcessHandle> handle = ProcessHandle.of(grandchild);
        if (handle.isPresent()) {
            handle.get().onExit().get(20, TimeUnit.SECONDS);
        }
        String log = Files.readString(work.resolve("grandchild.log"), StandardCharsets.UTF_8);
        assertTrue(log.contains("is gone; stopping the orphaned " + Sleeper.class.getName()), log);
    }
}
