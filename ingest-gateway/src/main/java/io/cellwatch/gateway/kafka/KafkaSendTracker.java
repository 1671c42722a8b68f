package io.cellwatch.gateway.kafka;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import io.cellwatch.gateway.metrics.LatencyHistogram;

/**
 * Follows the producer's sends: how many wait for Kafka, how long Kafka takes to answer (send to completion
 * callback), and whether Kafka looks reachable, for /health. Sends are counted on the event loops, completions on
 * the producer's thread (or the sender's, when {@code send()} fails at once); safe from any thread.
 *
 * <p>Kafka counts as unreachable when records wait and none completed for {@code unreachableNanos}, or when the
 * newest answer within that time was a failure, or when the producer has refused records at once (it knows no leader
 * for the topic: the brokers are away) for that long without a success. A quiet gateway is not unreachable: with nothing waiting there is
 * nothing to judge. The stall is judged at each {@link #problem} call (each /health request), so it is found at
 * most one request interval late; nothing runs in the background.
 */
public final class KafkaSendTracker {
    private static final long NONE = Long.MIN_VALUE;

    private final LatencyHistogram latency;
    private final long unreachableNanos;
    private final LongAdder started = new LongAdder();
    private final LongAdder completed = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private volatile long lastSuccessNanos = NONE;
    private volatile long lastFailureNanos = NONE;
    private volatile String lastFailure;
    /** The first refusal ({@link #refused}) since the last success, or NONE. */
    private volatile long refusingSinceNanos = NONE;
    private volatile String lastRefusal;
    /** Guarded by this: the completion count seen by the previous {@link #problem} call. */
    private long completedSeen = -1;
    /** Guarded by this: since when records have waited without any completion, or NONE. */
    private long stalledSinceNanos = NONE;

    public KafkaSendTracker(final LatencyHistogram latency, final long unreachableMillis) {
        this.latency = latency;
        this.unreachableNanos = TimeUnit.MILLISECONDS.toNanos(unreachableMillis);
    }

    /** A record is handed to the producer. */
    void sent() {
        started.increment();
    }

    /**
     * The producer refused a record at once (no partition metadata: brokers away; or no buffer space); the caller
     * keeps it and retries, so it does not count as sent.
     */
    void refused(final long nowNanos, final Exception why) {
        started.decrement();
        lastRefusal = why.toString();
        if (refusingSinceNanos == NONE) {
            refusingSinceNanos = nowNanos;
        }
    }

    /** Kafka answered for a record sent at {@code sentNanos}: stored when {@code failure} is null. */
    void completed(final long sentNanos, final long nowNanos, final Exception failure) {
        latency.record(TimeUnit.NANOSECONDS.toMicros(nowNanos - sentNanos));
        if (failure == null) {
            lastSuccessNanos = nowNanos;
            refusingSinceNanos = NONE;
        } else {
            lastFailure = failure.toString();
            lastFailureNanos = nowNanos;
            failed.increment();
        }
        completed.increment(); // last: a reader that sees the count also sees the times
    }

    /** Records handed to Kafka and not yet answered for (stored or failed). */
    public long outstanding() {
        final long done = completed.sum(); // first, so a send racing with this read never makes it negative
        return started.sum() - done;
    }

    /** Records Kafka did not take (delivery timeout, full buffer, broker error). */
    public long failedCount() {
        return failed.sum();
    }

    /** Why Kafka counts as unreachable now, or null when it does not. */
    public synchronized String problem(final long nowNanos) {
        final long done = completed.sum();
        final long waiting = started.sum() - done;
        if (waiting <= 0) {
            stalledSinceNanos = NONE;
        } else if (done != completedSeen || stalledSinceNanos == NONE) {
            stalledSinceNanos = nowNanos; // progress since the last look (or the first look): the clock starts now
        }
        completedSeen = done;
        final long failureAt = lastFailureNanos;
        final long successAt = lastSuccessNanos;
        if (failureAt != NONE && (successAt == NONE || failureAt - successAt > 0)
            && nowNanos - failureAt < unreachableNanos) {
            return "the newest Kafka send failed " + TimeUnit.NANOSECONDS.toMillis(nowNanos - failureAt)
                + " ms ago: " + lastFailure;
        }
        final long refusingSince = refusingSinceNanos;
        if (refusingSince != NONE && nowNanos - refusingSince >= unreachableNanos) {
            return "the producer has refused records for " + TimeUnit.NANOSECONDS.toMillis(nowNanos - refusingSince)
                + " ms (no partition metadata or no buffer space): " + lastRefusal;
        }
        if (stalledSinceNanos != NONE && nowNanos - stalledSinceNanos >= unreachableNanos) {
            return waiting + " records wait for Kafka and none completed for "
                + TimeUnit.NANOSECONDS.toMillis(nowNanos - stalledSinceNanos) + " ms";
        }
        return null;
    }
}
