package io.cellwatch.process;

import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;
import java.util.Optional;

/**
 * Main class of a child JVM: starts a watchdog on the parent JVM, then hands over to the real main class, named by
 * the first argument, with the remaining arguments ({@code ChildMain kafka.Kafka server.properties}).
 *
 * <p>A shutdown hook in the parent does not run when the parent is killed with SIGKILL (a surefire or failsafe
 * fork timeout, an IDE stop button), which would leave orphan JVMs holding ports, memory and CPU. The watchdog
 * covers that case from the child side: once the parent whose pid {@value #PARENT_PID_PROPERTY} names is gone,
 * the child calls {@code System.exit(3)}, so the server's own shutdown hooks run, and halts with 4 when they take
 * longer than 20 s. Without the property the child just runs the main class.
 *
 * <p>{@link ChildJvm} copies this class file alone out of its jar and puts only that copy in front of the child's
 * classpath, so this class depends on nothing but the JDK, has no nested or anonymous classes (they would be
 * separate class files; lambdas are not) and reaches the real main class by reflection.
 */
public final class ChildMain {

    /** System property holding the pid of the JVM that started this child. */
    public static final String PARENT_PID_PROPERTY = "cellwatch.child.parentPid";

    private static final long POLL_MILLIS = 500;
    /** A server's own shutdown normally takes a few seconds; an orphan never hangs on longer than this. */
    private static final long HALT_AFTER_MILLIS = 20_000;

    private ChildMain() {
    }

    /**
     * Runs the real main class under the watchdog.
     *
     * @param args the real main class, then its arguments
     * @throws Throwable whatever the real main method throws
     */
    public static void main(String[] args) throws Throwable {
        if (args.length == 0) {
            throw new IllegalArgumentException("usage: ChildMain <main class> [args...]");
        }
        String mainClass = args[0];
        String parentPid = System.getProperty(PARENT_PID_PROPERTY);
        if (parentPid != null && !parentPid.isBlank()) {
            long expectedParent = Long.parseLong(parentPid.trim());
            Thread watchdog = new Thread(() -> watchParent(expectedParent, mainClass), "cellwatch-parent-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
        }
        String[] mainArgs = Arrays.copyOfRange(args, 1, args.length);
        try {
            Class.forName(mainClass).getMethod("main", String[].class).invoke(null, (Object) mainArgs);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void watchParent(long expectedParent, String mainClass) {
        // Compare the parent pid rather than asking whether that pid is alive: an orphan is re-parented at once
        // (to init or a subreaper), while a dead pid may be reused by an unrelated process.
        while (true) {
            Optional<ProcessHandle> parent = ProcessHandle.current().parent();
            if (parent.isEmpty() || parent.get().pid() != expectedParent || !parent.get().isAlive()) {
                System.err.println("[cellwatch] parent JVM " + expectedParent + " is gone; stopping the orphaned "
                        + mainClass);
                Thread halter = new Thread(() -> haltLater(mainClass), "cellwatch-halt-timer");
                halter.setDaemon(true);
                halter.start();
                // System.exit runs the server's own shutdown hooks, so its logs are closed cleanly.
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

    private static void haltLater(String mainClass) {
        try {
            Thread.sleep(HALT_AFTER_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.err.println("[cellwatch] shutdown of " + mainClass + " did not finish in time; halting");
        Runtime.getRuntime().halt(4);
    }
}
