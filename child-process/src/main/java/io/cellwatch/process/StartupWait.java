package io.cellwatch.process;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Waits until freshly started children are ready: polls a readiness probe (after a cheap TCP check of the port it
 * talks to) until it says so, a child exits or a deadline passes. The caller turns an {@link Outcome} other than
 * {@link Status#READY} into its own error, typically with the tail of the child's log ({@link LogTail}).
 */
public final class StartupWait {

    private StartupWait() {
    }

    /** Asks a child whether it is ready, e.g. over its client protocol or REST API. */
    @FunctionalInterface
    public interface Probe {

        /**
         * Asks once.
         *
         * @return true when ready
         * @throws InterruptedException when interrupted; ends the wait
         * @throws Exception            any other failure counts as "not yet" and is kept as the last error
         */
        boolean ready() throws Exception;
    }

    /** How a wait ended. */
    public enum Status {
        /** The probe said ready. */
        READY,
        /** A child exited first; {@link Outcome#exited()} says which. */
        EXITED,
        /** The deadline passed first. */
        TIMED_OUT
    }

    /**
     * How a wait ended.
     *
     * @param status    how
     * @param exited    the child that exited, for {@link Status#EXITED}; else null
     * @param lastError the last exception the probe threw, or null
     */
    public record Outcome(Status status, Process exited, Exception lastError) {

        /**
         * Validates the status.
         *
         * @param status    how the wait ended
         * @param exited    the child that exited, for {@link Status#EXITED}; else null
         * @param lastError the last exception the probe threw, or null
         */
        public Outcome {
            Objects.requireNonNull(status, "status");
        }
    }

    /**
     * Polls until the children are ready. Each round checks, in this order: that every child is alive, that the
     * deadline has not passed, whether {@code host:port} accepts a connection and only then the probe; then sleeps
     * for {@code pollInterval}.
     *
     * @param processes    the children that must stay alive meanwhile
     * @param deadline     when to give up
     * @param pollInterval the pause between rounds
     * @param host         the address the probe talks to
     * @param port         the port the probe talks to
     * @param probe        the readiness check
     * @return how the wait ended
     * @throws InterruptedException when interrupted while sleeping or probing
     */
    public static Outcome await(List<Process> processes, Instant deadline, Duration pollInterval, String host,
                                int port, Probe probe) throws InterruptedException {
        Exception lastError = null;
        while (true) {
            for (Process p : processes) {
                if (!p.isAlive()) {
                    return new Outcome(Status.EXITED, p, lastError);
                }
            }
            if (Instant.now().isAfter(deadline)) {
                return new Outcome(Status.TIMED_OUT, null, lastError);
            }
            if (LoopbackPorts.acceptsConnections(host, port)) {
                try {
                    if (probe.ready()) {
                        return new Outcome(Status.READY, null, lastError);
                    }
                } catch (InterruptedException e) {
                    throw e;
                } catch (Exception e) {
                    lastError = e;
                }
            }
            Thread.sleep(pollInterval.toMillis());
        }
    }

    /**
     * Checks a startup timeout given to a builder.
     *
     * @param timeout the timeout
     * @return the timeout
     * @throws IllegalArgumentException when it is zero or negative
     */
    public static Duration requirePositive(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("startup timeout must be positive: " + timeout);
        }
        return timeout;
    }
}
