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
            new ThreadCpu.ThreadKey(10, 1, "multiThreadIoEv"), 100L,
            new ThreadCpu.ThreadKey(10, 2, "GC Thread#0"), 5L,
            new ThreadCpu.ThreadKey(10, 3, "GC Thread#1"), 5L));
        final ThreadCpu after = new ThreadCpu(Map.of(
            new ThreadCpu.ThreadKey(10, 1, "multiThreadIoEv"), 150L,
            new ThreadCpu.ThreadKey(10, 2, "GC Thread#0"), 15L,
            new ThreadCpu.ThreadKey(10, 3, "GC Thread#1"), 25L,
            new ThreadCpu.ThreadKey(20, 4, "data-plane-kafk"), 30L)); // started inside the window
        final List<ThreadCpu.Group> groups = after.since(before, ONE_SECOND, Map.of(10L, "harness JVM (x)"), 0.01);
        assertEquals(List.of(
            new ThreadCpu.Group("harness JVM (x)", 10, "multiThreadIoEv", 1, 0.5),
            new ThreadCpu.Group("harness JVM (x)", 10, "GC Thread##", 2, 0.3),
            new ThreadCpu.Group("other child process", 20, "data-plane-kafk", 1, 0.3)), groups.stream()
            .map(g -> new ThreadCpu.Group(g.process(), g.pid(), g.threads(), g.count(),
                Math.round(g.cores() * 1000) / 1000.0)).toList());
        assertEquals(1, after.since(before, ONE_SECOND, Map.of(), 0.4).size(), "groups under the floor are left out");
    }

    @Test
    void shouldCountOnlyTheCompilerThreadsOfTheGivenProcessAsJit() {
        final ThreadCpu before = new ThreadCpu(Map.of(
            new ThreadCpu.ThreadKey(10, 1, "C2 CompilerThre"), 0L,
            new ThreadCpu.ThreadKey(20, 5, "C2 CompilerThre"), 0L));
        final ThreadCpu after = new ThreadCpu(Map.of(
            new ThreadCpu.ThreadKey(10, 1, "C2 CompilerThre"), 20L,
            new ThreadCpu.ThreadKey(10, 2, "C1 CompilerThre"), 5L,
            new ThreadCpu.ThreadKey(10, 3, "main"), 70L,
            new ThreadCpu.ThreadKey(20, 5, "C2 CompilerThre"), 40L));
        assertEquals(0.25, after.jitCoresSince(before, ONE_SECOND, 10), 1e-9);
        assertEquals(0.40, after.jitCoresSince(before, ONE_SECOND, 20), 1e-9);
        assertTrue(ThreadCpu.isJitCompiler("C1 CompilerThre"));
        assertFalse(ThreadCpu.isJitCompiler("CompilerThread"));
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
