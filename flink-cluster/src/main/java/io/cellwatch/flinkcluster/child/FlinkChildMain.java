package io.cellwatch.flinkcluster.child;

import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;
import java.util.Optional;

/**
 * Main class of the JobManager and TaskManager child JVMs: starts a watchdog on the parent JVM, then hands over to
 * Flink's own entry point ({@code StandaloneSessionClusterEntrypoint} or {@code TaskManagerRunner}).
 *
 * <p>A shutdown hook in the parent does not run when the parent is killed with SIGKILL (a failsafe fork timeout,
 * an IDE stop button); without the watchdog that would leave two orphan JVMs holding ports and about 800 MB.
 *
 * <p>Internal: the parent copies this class file out of its jar and puts only that copy in front of the cluster
 * classpath, so this class depends on nothing but the JDK, has no nested or anonymous classes (they would be
 * separate class files; lambdas are not) and reaches Flink by reflection.
 */
public final class FlinkChildMain {

    /** System property holding the pid of the JVM that started this cluster process. */
    public static final String PARENT_PID_PROPERTY = "cellwatch.flink.parentPid";

    private static final long POLL_MILLIS = 500;
    /** Flink's own shutdown normally takes a few seconds; an orphan never hangs on longer than this. */
    private static final long HALT_AFTER_MILLIS = 20_000;

    private FlinkChildMain() {
    }

    /**
     * Runs a Flink process.
     *
     * @param args the Flink main class, then its arguments
     * @throws Throwable whatever Flink's main method throws
     */
    public static void main(String[] args) throws Throwable {
        if (args.length == 0) {
            throw new IllegalArgumentException("usage: FlinkChildMain <flink main class> [args...]");
        }
        String parentPid = System.getProperty(PARENT_PID_PROPERTY);
        if (parentPid != null && !parentPid.isBlank()) {
            long expectedParent = Long.parseLong(parentPid.trim());
            Thread watchdog = new Thread(() -> watchParent(expectedParent), "cellwatch-parent-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
        }
        String[] flinkArgs = Arrays.copyOfRange(args, 1, args.length);
        try {
            Class.forName(args[0]).getMethod("main", String[].class).invoke(null, (Object) flinkArgs);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void watchParent(long expectedParent) {
        // Compare the parent pid rather than asking whether that pid is alive: an orphan is re-parented at once
        // (to init or a subreaper), while a dead pid may be reused by an unrelated process.
        while (true) {
            Optional<ProcessHandle> parent = ProcessHandle.current().parent();
            if (parent.isEmpty() || parent.get().pid() != expectedParent || !parent.get().isAlive()) {
                System.err.println("[cellwatch] parent JVM " + expectedParent
                        + " is gone; stopping this orphaned Flink process");
                Thread halter = new Thread(() -> haltLater(), "cellwatch-halt-timer");
                halter.setDaemon(true);
                halter.start();
                // System.exit runs Flink's shutdown hooks (it deletes its temporary directories, closes the logs).
                System.exit(3);
                return;
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void haltLater() {
        try {
            Thread.sleep(HALT_AFTER_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.err.println("[cellwatch] Flink shutdown did not finish in time; halting");
        Runtime.getRuntime().halt(4);
    }
}
