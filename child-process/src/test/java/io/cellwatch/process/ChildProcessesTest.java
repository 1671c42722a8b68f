package io.cellwatch.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cellwatch.process.testmains.Sleeper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class ChildProcessesTest {

    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        for (Process p : started) {
            ChildProcesses.kill(p, KILL_WAIT, w -> { });
        }
    }

    @Test
    void shouldStopARealChildGracefullyWithoutWarnings() throws Exception {
        Process p = startSleeper("30000");

        ChildProcesses.stop(List.of(p), Duration.ofSeconds(20), KILL_WAIT, warnings::add);

        assertFalse(p.isAlive());
        assertEquals(143, p.exitValue(), "SIGTERM, not SIGKILL");
        assertEquals(List.of(), warnings);
    }

    @Test
    void shouldKillARealChildThatDoesNotStopWithinTheGracePeriod() throws Exception {
        Process p = startSleeper("30000", "--stubborn");

        ChildProcesses.stop(List.of(p), Duration.ofMillis(1_500), KILL_WAIT, warnings::add);

        assertFalse(p.isAlive());
        assertEquals(List.of("process " + p.pid() + " did not stop within PT1.5S; killing it"), warnings);
    }

    @Test
    void shouldKillARealChildAtOnce() throws Exception {
        Process p = startSleeper("30000");

        ChildProcesses.kill(p, KILL_WAIT, warnings::add);

        assertFalse(p.isAlive());
        assertEquals(137, p.exitValue(), "SIGKILL");
        assertEquals(List.of(), warnings);
    }

    @Test
    void shouldAskAllAtOnceAndSkipNullsAndExitedProcesses() {
        FakeProcess first = new FakeProcess(true);
        FakeProcess second = new FakeProcess(true);
        FakeProcess exited = FakeProcess.exited();

        ChildProcesses.stop(Arrays.asList(first, null, exited, second), Duration.ofSeconds(5), KILL_WAIT,
                warnings::add);

        assertEquals(1, first.destroyCalls);
        assertEquals(1, second.destroyCalls);
        assertEquals(0, exited.destroyCalls + exited.destroyForciblyCalls);
        assertEquals(0, first.destroyForciblyCalls + second.destroyForciblyCalls);
        assertEquals(List.of(), warnings);
    }

    @Test
    void shouldKillAtOnceWithoutAskingWhenGraceIsZero() {
        FakeProcess p = new FakeProcess(true);

        ChildProcesses.stop(List.of(p), Duration.ZERO, KILL_WAIT, warnings::add);

        assertEquals(0, p.destroyCalls);
        assertTrue(p.destroyForciblyCalls >= 1);
        assertEquals(List.of(), warnings);
    }

    @Test
    void shouldDoNothingWhenKillingNull() {
        ChildProcesses.kill(null, KILL_WAIT, warnings::add);

        assertEquals(List.of(), warnings);
    }

    @Test
    void shouldKillAndKeepTheInterruptFlagWhenInterruptedWhileWaiting() {
        FakeProcess p = new FakeProcess(false);
        Thread.currentThread().interrupt();

        boolean exited = ChildProcesses.waitFor(p, Duration.ofSeconds(10));

        assertTrue(Thread.interrupted(), "interrupt flag kept");
        assertFalse(exited);
        assertEquals(1, p.destroyForciblyCalls);
    }

    @Test
    void shouldCheckOnceWhenTimeoutIsNegative() {
        assertFalse(ChildProcesses.waitFor(new FakeProcess(false), Duration.ofSeconds(-1)));
        assertTrue(ChildProcesses.waitFor(FakeProcess.exited(), Duration.ofSeconds(-1)));
    }

    private Process startSleeper(String... args) throws Exception {
        Path log = dir.resolve("sleeper.log");
        Process p = TestJvms.builder(Sleeper.class).classpath(TestJvms.testClasses().toString())
                .args(List.of(args)).output(log, true).build().start();
        started.add(p);
        // Wait for main() to run, so that a stubborn child has its hook in place before the test stops it.
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!(Files.exists(log) && Files.readString(log).contains("started")) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(Files.readString(log).contains("started"), "child did not start");
        return p;
    }
}
