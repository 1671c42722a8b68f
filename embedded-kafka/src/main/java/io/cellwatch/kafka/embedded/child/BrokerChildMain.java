package io.cellwatch.kafka.embedded.child;

import java.lang.reflect.InvocationTargetException;
import java.util.Optional;

/**
 * Main class of the broker child JVM: starts a watchdog on the parent JVM, then hands over to Kafka's public
 * entry point {@code kafka.Kafka.main}.
 *
 * <p>A JVM shutdown hook in the parent cannot run when the parent is killed with SIGKILL (a surefire fork
 * timeout, an IDE stop button), which would leave an orphan broker holding ports and CPU. The watchdog covers
 * that case from the child side.
 *
 * <p>Internal: the parent copies this class file out of its own jar and puts only that copy in front of the
 * broker classpath, so this class must depend on nothing but the JDK, use no nested or anonymous classes
 * (they would be separate class files) and reach Kafka by reflection.
 */
public final class BrokerChildMain {

    /** System property holding the pid of the JVM that started this broker. */
    public static final String PARENT_PID_PROPERTY = "cellwatch.broker.parentPid";

    private static final long POLL_MILLIS = 500;
    /** A controlled shutdown of a single node takes a few seconds; never hang longer than this once orphaned. */
    private static final long HALT_AFTER_MILLIS = 20_000;

    private BrokerChildMain() {
    }

    /**
     * Runs the broker.
     *
     * @param args the arguments for {@code kafka.Kafka}, i.e. the path of {@code server.properties}
     * @throws Throwable whatever {@code kafka.Kafka.main} throws
     */
    public static void main(String[] args) throws Throwable {
        String parentPid = System.getProperty(PARENT_PID_PROPERTY);
        if (parentPid != null && !parentPid.isBlank()) {
            long expectedParent = Long.parseLong(parentPid.trim());
            Thread watchdog = new Thread(() -> watchParent(expectedParent), "cellwatch-parent-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
        }
        try {
            Class.forName("kafka.Kafka").getMethod("main", String[].class).invoke(null, (Object) args);
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
                        + " is gone; stopping the orphaned Kafka broker");
                Thread halter = new Thread(() -> haltLater(), "cellwatch-halt-timer");
                halter.setDaemon(true);
                halter.start();
                // System.exit runs Kafka's own shutdown hook, so the logs are closed cleanly.
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
        System.err.println("[cellwatch] broker shutdown did not finish in time; halting");
        Runtime.getRuntime().halt(4);
    }
}
