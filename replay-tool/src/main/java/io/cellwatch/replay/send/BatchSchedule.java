package io.cellwatch.replay.send;

import io.cellwatch.core.codec.SamplesFlyweight;
import io.cellwatch.replay.run.Run;

/**
 * Which rows go into which SAMPLES frame, and when each frame is due.
 *
 * <p>Batches are cut every {@code batchSize} rows. A batch is due when its last sample would have been taken by a
 * real rig: {@code (time of its last row - time of the first row of the run) / speed} after the replay started
 * (0 for every batch at {@link ReplaySpeed#MAX}). Due times are absolute from the start, so one late send does not
 * push back the batches after it; gaps in the file become pauses of the same length divided by the speed.
 */
public final class BatchSchedule {
    /** Largest batch: the most v1 samples one frame of the protocol's maximum length holds. */
    public static final int MAX_BATCH_SIZE = SamplesFlyweight.MAX_SAMPLES_DEFAULT;

    private final int rows;
    private final int batchSize;
    private final long[] dueNanos;

    private BatchSchedule(final int rows, final int batchSize, final long[] dueNanos) {
        this.rows = rows;
        this.batchSize = batchSize;
        this.dueNanos = dueNanos;
    }

    /** Plans the replay of {@code run} in batches of {@code batchSize} rows at {@code speed}. */
    public static BatchSchedule plan(final Run run, final int batchSize, final ReplaySpeed speed) {
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("batch size must be 1.." + MAX_BATCH_SIZE + ", got " + batchSize);
        }
        final int rows = run.size();
        final int batches = (rows + batchSize - 1) / batchSize;
        final long[] due = new long[batches];
        final long first = rows == 0 ? 0 : run.timeMicros(0);
        for (int b = 0; b < batches; b++) {
            final int last = Math.min(rows, (b + 1) * batchSize) - 1;
            due[b] = speed.wallNanos(run.timeMicros(last) - first);
        }
        return new BatchSchedule(rows, batchSize, due);
    }

    public int batchCount() {
        return dueNanos.length;
    }

    /** First row of batch {@code b}. */
    public int firstRow(final int b) {
        return b * batchSize;
    }

    /** One past the last row of batch {@code b}. */
    public int endRow(final int b) {
        return Math.min(rows, (b + 1) * batchSize);
    }

    /** Nanoseconds after the replay start at which batch {@code b} may be sent. */
    public long dueNanos(final int b) {
        return dueNanos[b];
    }
}
