package io.cellwatch.replay.send;

/**
 * Waits until a batch is due. Due times are measured from {@link #start()}, not from the previous send, so the
 * time spent encoding and writing a batch does not accumulate into drift.
 */
public final class Pacer {
    private final ReplayClock clock;
    private long origin;

    public Pacer(final ReplayClock clock) {
        this.clock = clock;
    }

    /** Marks the replay start. */
    public void start() {
        origin = clock.nanoTime();
    }

    /** Nanoseconds since {@link #start()}. */
    public long elapsedNanos() {
        return clock.nanoTime() - origin;
    }

    /**
     * Returns once {@code dueNanos} after the start have passed; at once if they have.
     *
     * @return nanoseconds waited
     */
    public long awaitDue(final long dueNanos) throws InterruptedException {
        final long before = elapsedNanos();
        long now = before;
        while (now < dueNanos) {
            clock.sleepNanos(dueNanos - now);
            now = elapsedNanos();
        }
        return now - before;
    }
}
