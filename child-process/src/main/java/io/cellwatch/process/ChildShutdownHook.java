package io.cellwatch.process;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A JVM shutdown hook that stops the children of an owner that was not closed: asks them all to stop, waits a
 * short time, kills what is left, then runs the owner's clean-up (e.g. deleting a temporary directory).
 *
 * <p>The hook reads the current processes through a supplier at shutdown time and takes no lock, so that a thread
 * stuck in the owner's synchronized {@code start()} cannot block the JVM's exit. It does not help when the JVM is
 * killed with SIGKILL; {@link ChildMain}'s watchdog covers that case from the child side.
 */
public final class ChildShutdownHook {

    private final Thread thread;

    private ChildShutdownHook(Thread thread) {
        this.thread = thread;
    }

    /**
     * Registers the hook with the running JVM.
     *
     * @param threadName  the hook thread's name, e.g. {@code cellwatch-embedded-kafka-shutdown}
     * @param processes   returns the owner's current children; null elements are skipped
     * @param stopTimeout how long all of them together get to stop before they are killed; keep it short, the JVM
     *                    is exiting
     * @param afterStop   runs once the children are gone
     * @return the registered hook, for {@link #remove()}
     */
    public static ChildShutdownHook register(String threadName, Supplier<? extends Collection<Process>> processes,
                                             Duration stopTimeout, Runnable afterStop) {
        Objects.requireNonNull(processes, "processes");
        Objects.requireNonNull(stopTimeout, "stopTimeout");
        Objects.requireNonNull(afterStop, "afterStop");
        Thread thread = new Thread(() -> {
            stopAll(processes.get(), stopTimeout);
            afterStop.run();
        }, threadName);
        Runtime.getRuntime().addShutdownHook(thread);
        return new ChildShutdownHook(thread);
    }

    /** Unregisters the hook, after the owner stopped its children itself; does nothing while the JVM exits. */
    public void remove() {
        try {
            Runtime.getRuntime().removeShutdownHook(thread);
        } catch (IllegalStateException shuttingDown) {
            // The JVM is exiting and the hook runs anyway; nothing to undo.
        }
    }

    /** The hook's work: SIGTERM to all, a shared deadline, SIGKILL to what is left; no logging (the JVM exits). */
    static void stopAll(Collection<Process> processes, Duration timeout) {
        List<Process> children = new ArrayList<>();
        for (Process p : processes) {
            if (p != null) {
                children.add(p);
            }
        }
        for (Process p : children) {
            if (p.isAlive()) {
                p.destroy();
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Process p : children) {
            try {
                if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        }
    }
}
