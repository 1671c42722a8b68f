package io.cellwatch.process;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Waits for and stops child processes through their {@link Process} handles: only processes this JVM started
 * itself, never processes found by pid or name.
 *
 * <p>Warnings (a child that had to be killed, or would not die) go to a {@code Consumer<String>} so that the
 * caller logs them with its own logger; the messages start with {@code "process <pid>"}.
 */
public final class ChildProcesses {

    private ChildProcesses() {
    }

    /**
     * Waits for a process to exit; when interrupted, kills it (the caller is giving up) and keeps the interrupt
     * flag.
     *
     * @param process the process
     * @param timeout how long to wait; zero or negative checks once
     * @return true when the process has exited
     */
    public static boolean waitFor(Process process, Duration timeout) {
        try {
            return process.waitFor(Math.max(0, timeout.toMillis()), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return false;
        }
    }

    /**
     * Stops processes gracefully: asks all of them at once to stop ({@link Process#destroy()}, SIGTERM on Unix, so
     * each runs its shutdown hooks), waits until {@code grace} has passed, then kills what is left
     * ({@link Process#destroyForcibly()}) and waits up to {@code killWait} for each of those.
     *
     * @param processes the processes; null elements and processes that have exited are skipped
     * @param grace     how long all of them together get to stop; zero kills at once
     * @param killWait  how long to wait for each killed process
     * @param warnings  receives a message per process that had to be killed or is still alive
     */
    public static void stop(Collection<Process> processes, Duration grace, Duration killWait,
                            Consumer<String> warnings) {
        Objects.requireNonNull(warnings, "warnings");
        List<Process> running = new ArrayList<>();
        for (Process p : processes) {
            if (p != null) {
                running.add(p);
            }
        }
        boolean kill = grace.isZero() || grace.isNegative();
        // All at once: each child runs its own shutdown; waiting for one before the next only adds time.
        for (Process p : running) {
            if (p.isAlive()) {
                if (kill) {
                    p.destroyForcibly();
                } else {
                    p.destroy();
                }
            }
        }
        long deadline = System.nanoTime() + Math.max(0, grace.toNanos());
        for (Process p : running) {
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            if (!waitFor(p, left)) {
                if (!kill) {
                    warnings.accept("process " + p.pid() + " did not stop within " + grace + "; killing it");
                }
                p.destroyForcibly();
                if (!waitFor(p, killWait)) {
                    warnings.accept("process " + p.pid() + " still alive " + killWait + " after SIGKILL");
                }
            }
        }
    }

    /**
     * Kills a process at once ({@link Process#destroyForcibly()}, SIGKILL on Unix), as a crash would, and waits
     * for it to be gone.
     *
     * @param process  the process, or null for nothing to do
     * @param killWait how long to wait for it
     * @param warnings receives a message when the process is still alive after that
     */
    public static void kill(Process process, Duration killWait, Consumer<String> warnings) {
        List<Process> one = new ArrayList<>();
        one.add(process);
        stop(one, Duration.ZERO, killWait, warnings);
    }
}
