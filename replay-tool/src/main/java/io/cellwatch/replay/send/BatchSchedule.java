package io.cellwatch.replay.send;

import java.util.Arrays;
import java.util.List;

import io.cellwatch.core.codec.SamplesFlyweight;
import io.cellwatch.replay.run.Mark;
import io.cellwatch.replay.run.Run;

/**
 * Which rows go into which SAMPLES frame, where the MARK frames go, and when each frame is due.
 *
 * <p>Batches are cut every {@code batchSize} rows, and also wherever a {@link Mark} sits, so that a mark is sent
 * after the samples before it and before the samples after it (rules take their baseline at the first sample after a
 * mark). A batch is due when its last sample would have been taken by a real rig: {@code (time of its last row - time
 * of the first row of the run) / speed} after the replay started (0 for every batch at {@link ReplaySpeed#MAX}); a
 * mark is due at its own time, the same way. Due times are absolute from the start, so one late send does not push
 * back the frames after it; gaps in the file become pauses of the same length divided by the speed.
 */
public final class BatchSchedule {
    /** Largest batch: the most v1 samples one frame of the protocol's maximum length holds. */
    public static final int MAX_BATCH_SIZE = SamplesFlyweight.MAX_SAMPLES_DEFAULT;

    private final int[] starts;
    private final int[] ends;
    private final long[] dueNanos;
    private final List<Mark> marks;
    private final long[] markDueNanos;

    private BatchSchedule(final int[] starts, final int[] ends, final long[] dueNanos, final List<Mark> marks,
                          final long[] markDueNanos) {
        this.starts = starts;
        this.ends = ends;
        this.dueNanos = dueNanos;
        this.marks = marks;
        this.markDueNanos = markDueNanos;
    }

    /** Plans the replay of {@code run} in batches of up to {@code batchSize} rows at {@code speed}. */
    public static BatchSchedule plan(final Run run, final int batchSize, final ReplaySpeed speed) {
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("batch size must be 1.." + MAX_BATCH_SIZE + ", got " + batchSize);
        }
        final int rows = run.size();
        final List<Mark> marks = run.marks();
        int[] starts = new int[Math.max(1, (rows + batchSize - 1) / batchSize + marks.size())];
        int[] ends = new int[starts.length];
        int batches = 0;
        int m = 0;
        int row = 0;
        while (row < rows) {
            while (m < marks.size() && marks.get(m).beforeRow() <= row) {
                m++;
            }
            // The batch ends at the batch size or at the next mark's row, whichever comes first.
            final int limit = m < marks.size() ? Math.min(marks.get(m).beforeRow(), rows) : rows;
            final int end = Math.min(row + batchSize, Math.max(limit, row + 1));
            if (batches == starts.length) {
                starts = Arrays.copyOf(starts, batches * 2);
                ends = Arrays.copyOf(ends, batches * 2);
            }
            starts[batches] = row;
            ends[batches] = end;
            batches++;
            row = end;
        }
        final long first = rows == 0 ? (marks.isEmpty() ? 0 : marks.get(0).runMicros()) : run.timeMicros(0);
        final long[] due = new long[batches];
        for (int b = 0; b < batches; b++) {
            due[b] = speed.wallNanos(run.timeMicros(ends[b] - 1) - first);
        }
        final long[] markDue = new long[marks.size()];
        for (int i = 0; i < markDue.length; i++) {
            markDue[i] = speed.wallNanos(Math.max(0, marks.get(i).runMicros() - first));
        }
        return new BatchSchedule(Arrays.copyOf(starts, batches), Arrays.copyOf(ends, batches), due, marks, markDue);
    }

    public int batchCount() {
        return dueNanos.length;
    }

    /** First row of batch {@code b}. */
    public int firstRow(final int b) {
        return starts[b];
    }

    /** One past the last row of batch {@code b}. */
    public int endRow(final int b) {
        return ends[b];
    }

    /** Nanoseconds after the replay start at which batch {@code b} may be sent. */
    public long dueNanos(final int b) {
        return dueNanos[b];
    }

    /** The marks, in order. */
    public List<Mark> marks() {
        return marks;
    }

    /** Nanoseconds after the replay start at which mark {@code m} may be sent. */
    public long markDueNanos(final int m) {
        return markDueNanos[m];
    }
}
