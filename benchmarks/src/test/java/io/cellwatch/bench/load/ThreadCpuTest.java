package io.cellwatch.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

class ThreadCpuTest {

    private static final double ONE_SECOND = 1e9;

    @Test
    void shouldGroupAPoolsThreadsByTheirNameWithoutNumbersAndSumTheirCores() {
        final ThreadCpu before = new ThreadCpu(Map.of(
            new ThreadCpu.ThreadKey(10, 1, "multiThreadIoEv"), new ThreadCpu.Usage(100, 1_000_000, 10),
            new ThreadCpu.ThreadKey(10, 2, "GC Thread#0"), ThreadCpu.Usage.ofTicks(5),
            new ThreadCpu.ThreadKey(10, 3, "GC Thread#1"), new ThreadCpu.Usage(5, 0, 0)));
        final ThreadCpu after = new ThreadCpu(Map.of(
            new ThreadCpu.ThreadKey(10, 1, "multiThreadIoEv"), new ThreadCpu.Usage(150, 201_000_000, 1_010),
            new ThreadCpu.ThreadKey(10, 2, "GC Thread#0"), ThreadCpu.Usage.ofTicks(15),
            new ThreadCpu.ThreadKey(10, 3, "GC Thread#1"), new ThreadCpu.Usage(25, 7, 1),
            // started inside the window: everything it used counts
            new ThreadCpu.ThreadKey(20, 4, "data-plane-kafk"), new ThreadCpu.Usage(30, 50_000_000, 100)));
        final List<ThreadCpu.Group> groups = after.since(before, ONE_SECOND, Map.of(10L, "harness JVM (x)"), 0.01);
        assertEquals(List.of(
            // 200 ms of run-queue wait in one second over 1,000 slices
            new ThreadCpu.Group("harness JVM (x)", 10, "multiThreadIoEv", 1, 0.5, 0.2, 200.0),
            // one of the pool's threads has no scheduler statistics: the group's wait is unknown, not understated
            new ThreadCpu.Group("harness JVM (x)", 10, "GC Thread##", 2, 0.3, Double.NaN, Double.NaN),
            new ThreadCpu.Group("other child process", 20, "data-plane-kafk", 1, 0.3, 0.05, 500.0)), groups.stream()
            .map(g -> new ThreadCpu.Group(g.process(), g.pid(), g.threads(), g.count(),
                round(g.cores()), round(g.waitingThreads()), round(g.meanWaitMicros()))).toList());
        assertEquals(1, after.since(before, ONE_SECOND, Map.of(), 0.4).size(), "groups under the floor are left out");
    }

    @Test
    void shouldCountOnlyTheCompilerThreadsOfTheGivenProcessAsJit() {
        final ThreadCpu before = new ThreadCpu(Map.of(
            new ThreadCpu.ThreadKey(10, 1, "C2 CompilerThre"), ThreadCpu.Usage.ofTicks(0),
            new ThreadCpu.ThreadKey(20, 5, "C2 CompilerThre"), ThreadCpu.Usage.ofTicks(0)));
        final ThreadCpu after = new ThreadCpu(Map.of(
            new ThreadCpu.ThreadKey(10, 1, "C2 CompilerThre"), ThreadCpu.Usage.ofTicks(20),
            new ThreadCpu.ThreadKey(10, 2, "C1 CompilerThre"), ThreadCpu.Usage.ofTicks(5),
            new ThreadCpu.ThreadKey(10, 3, "main"), ThreadCpu.Usage.ofTicks(70),
            new ThreadCpu.ThreadKey(20, 5, "C2 CompilerThre"), ThreadCpu.Usage.ofTicks(40)));
        assertEquals(0.25, after.jitCoresSince(before, ONE_SECOND, 10), 1e-9);
        assertEquals(0.40, after.jitCoresSince(before, ONE_SECOND, 20), 1e-9);
        assertTrue(ThreadCpu.isJitCompiler("C1 CompilerThre"));
        assertFalse(ThreadCpu.isJitCompiler("CompilerThread"));
    }

    private static double round(final double v) {
        return Double.isNaN(v) ? v : Math.round(v * 1000) / 1000.0;
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void shouldSeeTheCpuOfABusyThreadOfThisJvmByItsName() throws InterruptedException {
        final long pid = ProcessHandle.current().pid();
        final ThreadCpu before = ThreadCpu.take(List.of(pid));
        final Thread busy = new Thread(() -> {
            final long end = System.nanoTime() + 300_000_000L;
            long x = 0;
            while (System.nanoTime() < end) {
                x += System.nanoTime() & 1;
            }
            if (x == 42) {
                System.out.print("");
            }
        }, "tc-busy-42");
        busy.start();
        // read while it is still alive (/proc lists live threads only), until its first ticks show
        List<ThreadCpu.Group> groups = List.of();
        while (busy.isAlive() && groups.stream().noneMatch(g -> g.threads().equals("tc-busy-#"))) {
            Thread.sleep(20);
            groups = ThreadCpu.take(List.of(pid)).since(before, 1e9, Map.of(pid, "me"), 0);
        }
        busy.join();
        assertTrue(groups.stream().anyMatch(g -> g.threads().equals("tc-busy-#") && g.cores() > 0
            && g.process().equals("me")), groups::toString);
    }
}
