package io.cellwatch.replay.send;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.cellwatch.core.model.CellForm;
import io.cellwatch.core.model.MarkType;
import io.cellwatch.replay.run.ChannelInfo;
import io.cellwatch.replay.run.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class BatchScheduleTest {
    static final ChannelInfo CHANNEL = new ChannelInfo("rigX/ch01", "S1", "L1", "replay", 1, CellForm.POUCH, 1.0,
        Map.of());

    /** A run with samples at the given file times in seconds. */
    static Run runAt(final double... seconds) {
        final Run.Builder b = Run.builder("test.csv");
        for (int i = 0; i < seconds.length; i++) {
            b.add(i + 2, Math.round(seconds[i] * 1e6), 4.1f, 1f, 25f, Float.NaN, Float.NaN);
        }
        return b.build(CHANNEL);
    }

    private static long[] dues(final BatchSchedule s) {
        final long[] d = new long[s.batchCount()];
        for (int b = 0; b < d.length; b++) {
            d[b] = s.dueNanos(b);
        }
        return d;
    }

    @Test
    void shouldCutBatchesEveryNRowsWhenRowsDoNotDivideEvenly() {
        final BatchSchedule s = BatchSchedule.plan(runAt(0, 1, 2, 3, 4, 5, 6), 3, ReplaySpeed.MAX);

        assertEquals(3, s.batchCount());
        assertEquals(0, s.firstRow(0));
        assertEquals(3, s.endRow(0));
        assertEquals(6, s.firstRow(2));
        assertEquals(7, s.endRow(2));
    }

    @Test
    void shouldDueEachBatchAtItsLastSampleTimeWhenSpeedIsRealTime() {
        // The first sample is at 5 s: due times count from the first sample, not from zero.
        final Run run = runAt(5.0, 5.1, 5.2, 5.3, 7.3, 7.4, 127.4);
        final BatchSchedule s = BatchSchedule.plan(run, 2, ReplaySpeed.parse("1"));

        assertArrayEquals(new long[] {100_000_000L, 300_000_000L, 2_400_000_000L, 122_400_000_000L}, dues(s));
    }

    @Test
    void shouldDivideDueTimesBySpeedWhenSpeedIs100() {
        final Run run = runAt(5.0, 5.1, 5.2, 5.3, 7.3, 7.4, 127.4);
        final BatchSchedule s = BatchSchedule.plan(run, 2, ReplaySpeed.parse("100"));

        assertArrayEquals(new long[] {1_000_000L, 3_000_000L, 24_000_000L, 1_224_000_000L}, dues(s));
    }

    @Test
    void shouldDueEveryBatchAtOnceWhenSpeedIsMax() {
        final BatchSchedule s = BatchSchedule.plan(runAt(0, 10, 20, 30, 40), 2, ReplaySpeed.MAX);

        assertArrayEquals(new long[] {0, 0, 0}, dues(s));
    }

    @Test
    void shouldUseShiftedTimeWhenFileTimeGoesBackwards() {
        // 0, 10, then a restart at 0 (sent at 10), then 1 (sent at 11).
        final BatchSchedule s = BatchSchedule.plan(runAt(0, 10, 0, 1), 1, ReplaySpeed.parse("1"));

        assertArrayEquals(new long[] {0, 10_000_000_000L, 10_000_000_000L, 11_000_000_000L}, dues(s));
    }

    @Test
    void shouldRejectBatchSizeWhenOutOfRange() {
        final Run run = runAt(0, 1);
        assertThrows(IllegalArgumentException.class, () -> BatchSchedule.plan(run, 0, ReplaySpeed.MAX));
        assertThrows(IllegalArgumentException.class,
            () -> BatchSchedule.plan(run, BatchSchedule.MAX_BATCH_SIZE + 1, ReplaySpeed.MAX));
    }

    @Test
    void shouldCutABatchWhereAMarkSitsAndDueTheMarkAtItsOwnTime() {
        final Run.Builder b = Run.builder("test.cwrun");
        for (int i = 0; i < 7; i++) {
            if (i == 2) {
                b.mark(MarkType.PRESS_START, 1_500_000L);
            }
            b.add(i + 1, i * 1_000_000L, 4.1f, 1f, 25f, Float.NaN, Float.NaN);
        }
        b.mark(MarkType.TEST_END, 9_000_000L);

        final BatchSchedule s = BatchSchedule.plan(b.build(CHANNEL), 3, ReplaySpeed.parse("1"));

        // Rows 0-1 | mark | rows 2-4 | rows 5-6 | mark
        assertEquals(3, s.batchCount());
        assertEquals(List.of(0, 2, 5), List.of(s.firstRow(0), s.firstRow(1), s.firstRow(2)));
        assertEquals(List.of(2, 5, 7), List.of(s.endRow(0), s.endRow(1), s.endRow(2)));
        assertEquals(2, s.marks().size());
        assertEquals(1_500_000_000L, s.markDueNanos(0));
        assertEquals(9_000_000_000L, s.markDueNanos(1));
        assertArrayEquals(new long[] {1_000_000_000L, 4_000_000_000L, 6_000_000_000L}, dues(s));
    }
}
