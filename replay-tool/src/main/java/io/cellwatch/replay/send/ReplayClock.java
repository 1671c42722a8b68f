package io.cellwatch.replay.send;

import java.util.concurrent.TimeUnit;

/** The time source and the sleep of a replay; tests inject one that only pretends to sleep. */
public interface ReplayClock {
    /** The real monotonic clock and {@link Thread#sleep}. */
    ReplayClock SYSTEM = new ReplayClock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleepNanos(final long nanos) throws InterruptedException {
            TimeUnit.NANOSECONDS.sleep(nanos);
        }
    };

    /** A monotonic time in nanoseconds, as {@link System#nanoTime()}. */
    long nanoTime();

    /** Sleeps about {@code nanos} (more than 0). */
    void sleepNanos(long nanos) throws InterruptedException;
}
