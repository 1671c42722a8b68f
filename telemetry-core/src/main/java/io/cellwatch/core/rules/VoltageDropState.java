package io.cellwatch.core.rules;

import java.util.Arrays;

/** Per-channel state of the {@link VoltageDropRule}. Fixed size whatever the sample rate. A Flink POJO. */
public class VoltageDropState {
    /** An alert was raised for the current pressing phase (baseline mode) or rest episode (rolling mode). */
    public boolean fired;
    /** Baseline voltage; NaN until the first sample at or after {@link #baselineFromMicros}. */
    public double baseline = Double.NaN;
    /** The baseline is the first sample at or after this time (a PRESS_START mark, or the run's start). */
    public long baselineFromMicros = Long.MIN_VALUE;
    /** Rolling-rest mode: start of the current rest period, or MIN_VALUE while not at rest. */
    public long restSinceMicros = Long.MIN_VALUE;
    /** Rolling-rest mode: the maximum voltage per time bucket of the trailing window (a ring of buckets). */
    public float[] bucketMax = new float[VoltageDropRule.BUCKETS];
    /** Rolling-rest mode: absolute bucket number held in each slot, or MIN_VALUE when empty. */
    public long[] bucketIndex = emptyIndex();

    public VoltageDropState() {
    }

    static long[] emptyIndex() {
        final long[] index = new long[VoltageDropRule.BUCKETS];
        Arrays.fill(index, Long.MIN_VALUE);
        return index;
    }

    void clearWindow() {
        Arrays.fill(bucketIndex, Long.MIN_VALUE);
    }
}
