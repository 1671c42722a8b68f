package io.cellwatch.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cellwatch.process.testmains.ChildHost;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class ChildShutdownHookTest {

    @TempDir
    Path dir;

    @Test
    void shouldAskAllThenKillWhatIsLeftAfterTheSharedTimeout() {
        FakeProcess polite = new FakeProcess(true);
        FakeProcess stubborn = new FakeProcess(false);
        FakeProcess exited = FakeProcess.exited();

        long began = System.nanoTime();
        ChildShutdownHook.stopAll(Arrays.asList(stubborn, null, polite, exited), Duration.ofMillis(300));

        assertTrue(System.nanoTime() - began < Duration.ofSeconds(5).toNanos());
        assertEquals(1, polite.destroyCalls);
        assertEquals(0, polite.destroyForciblyCalls);
        assertEquals(1, stubborn.destroyCalls);
        assertEquals(1, stubborn.destroyForciblyCalls);
        assertFalse(stubborn.isAlive());
        assertEquals(0, exited.destroyCalls + exited.destroyForciblyCalls);
    }

    @Test
    void shouldNotRunOnceRemoved() {
        AtomicBoolean ran = new AtomicBoolean();
        ChildShutdownHook hook = ChildShutdownHook.register("test-removed-hook", List::of, Duration.ofSeconds(1),
                () -> ran.set(true));

        hook.remove();
        hook.remove();

        assertFalse(ran.get());
    }

    @Test
    void shouldStopTheChildrenAndCleanUpWhenTheParentExitsWithoutClosing() throws Exception {
        Path work = Files.createDirectories(dir.resolve("host"));
        ChildJvm host = TestJvms.builder(ChildHost.class).classpath(TestJvms.bothClasspaths())
                .args(List.of(work.toString(), TestJvms.testClasses().toString(), "hook"))
                .output(work.resolve("host.log"), true).build();

        assertEquals(0, TestJvms.runToEnd(host));

        long grandchild = TestJvms.grandchildPid(work);
        assertFalse(ProcessHandle.of(grandchild).map(ProcessHandle::isAlive).orElse(false),
                "the hook stops the child before the parent JVM ends");
        assertEquals("grandchild alive: false",
                Files.readString(work.resolve("after-stop"), StandardCharsets.UTF_8));
        assertFalse(Files.readString(work.resolve("grandchild.log")).contains("is gone"), "no watchdog involved");
    }
}
