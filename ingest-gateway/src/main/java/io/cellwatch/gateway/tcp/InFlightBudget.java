package io.cellwatch.gateway.tcp;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gateway-wide budget of record bytes handed to Kafka and not yet answered for, shared by every rig connection.
 * It keeps the producer's buffer from filling (a full buffer would make {@code send()} wait on the event loop or
 * fail), so that a Kafka outage holds rigs back with TCP back-pressure instead.
 *
 * <p>A frame that has arrived is always published ({@link #reserve} never refuses); a connection whose frame takes
 * the total over the limit stops reading and waits here ({@link #awaitRoom}) until completions, on any connection,
 * bring the total down to half the limit. So the total exceeds the limit by at most the frames each paused
 * connection had already read (docs/deploy.md, section 4, has the formula).
 *
 * <p>Per frame one atomic add and one volatile read; per batch of Kafka completions one atomic add. Thread-safe.
 */
public final class InFlightBudget {
    private final long limit;
    private final long resumeAt;
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong peak = new AtomicLong();
    /** Resume tasks of the connections paused for the budget. */
    private final Queue<Runnable> waiting = new ConcurrentLinkedQueue<>();

    public InFlightBudget(final long limitBytes) {
        if (limitBytes <= 0) {
            throw new IllegalArgumentException("limit must be positive: " + limitBytes);
        }
        this.limit = limitBytes;
        this.resumeAt = limitBytes / 2;
    }

    /** Counts a record handed to Kafka; false when the total is now over the limit (the caller stops reading). */
    public boolean reserve(final int recordBytes) {
        final long total = bytes.addAndGet(recordBytes);
        if (total > peak.get()) { // rarely true once running: the read keeps the hot path free of a CAS loop
            peak.accumulateAndGet(total, Math::max);
        }
        return total <= limit;
    }

    /** Gives back the bytes of records Kafka has answered for (stored or failed), and resumes waiting connections. */
    public void release(final long recordBytes) {
        if (bytes.addAndGet(-recordBytes) <= resumeAt && !waiting.isEmpty()) {
            resumeWaiting();
        }
    }

    /**
     * Runs {@code resume} once the total is at or below half the limit: at once if it already is, else from the
     * {@link #release} that brings it there (on that caller's thread: the task must hop to its own event loop).
     */
    public void awaitRoom(final Runnable resume) {
        waiting.add(resume);
        // a release between the caller's reserve and the add above found nobody waiting: look again
        if (bytes.get() <= resumeAt) {
            resumeWaiting();
        }
    }

    private void resumeWaiting() {
        for (Runnable r = waiting.poll(); r != null; r = waiting.poll()) {
            r.run();
        }
    }

    /** Bytes handed to Kafka and not yet answered for, gateway-wide. */
    public long bytes() {
        return bytes.get();
    }

    /** The highest {@link #bytes()} since start. */
    public long peakBytes() {
        return peak.get();
    }

    public long limit() {
        return limit;
    }

    /** Connections waiting for room. */
    public int waitingCount() {
        return waiting.size();
    }
}
