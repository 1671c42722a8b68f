package io.cellwatch.bench.load;

/**
 * One timeline for the whole run. Every frame has an intended send time on {@link System#nanoTime()}; the rig
 * timestamps of its samples are derived from it, so a COMMAND's {@code sampleTimeMicros} maps back exactly to the
 * intended send time of the frame that carried the tripping sample (it is always the frame's last sample).
 *
 * <p>Rig time may run faster than wall time ({@code rigTimeScale}, to fit 24 h of a rig's samples into half an hour):
 * rig time = rig clock at the origin + scale x wall time since the origin. Latencies are always wall time: a rig
 * time maps back to the wall time its frame was due.
 *
 * @param startNanos         nanoTime of the schedule's origin
 * @param epochMicrosAtStart rig clock (us since the epoch) at the origin
 * @param windowStartNanos   first intended send time that is measured (after warm-up)
 * @param windowEndNanos     first intended send time that is not measured
 * @param rigTimeScale       rig microseconds per wall microsecond (1: rig time is wall time)
 */
record LatencyClock(long startNanos, long epochMicrosAtStart, long windowStartNanos, long windowEndNanos,
                    int rigTimeScale) {

    static LatencyClock startingIn(final long delayNanos, final long warmupNanos, final long measureNanos,
                                   final int rigTimeScale) {
        final long nano = System.nanoTime();
        final long micros = System.currentTimeMillis() * 1000L;
        final long start = nano + delayNanos;
        return new LatencyClock(start, micros + delayNanos / 1000L, start + warmupNanos,
            start + warmupNanos + measureNanos, rigTimeScale);
    }

    /** The rig time (us since the epoch) of a wall time (nanoTime). */
    long microsOf(final long intendedNanos) {
        return rigMicrosAfter(Math.floorDiv(intendedNanos - startNanos, 1000L));
    }

    /** The rig time (us since the epoch) that is {@code wallMicros} of wall time after the origin. */
    long rigMicrosAfter(final long wallMicros) {
        return epochMicrosAtStart + rigTimeScale * wallMicros;
    }

    /** The wall time (nanoTime) at which the rig clock reads {@code rigMicros}. */
    long nanosOf(final long rigMicros) {
        return startNanos + (rigMicros - epochMicrosAtStart) * 1000L / rigTimeScale;
    }

    long nowMicros() {
        return microsOf(System.nanoTime());
    }

    /** {@link #phaseOf}: sent during the warm-up. */
    static final int WARM_UP = 0;
    /** {@link #phaseOf}: sent during the measured window. */
    static final int WINDOW = 1;
    /** {@link #phaseOf}: sent after the window (the drain). */
    static final int AFTER = 2;
    /** Number of phases: the length of an array indexed by {@link #phaseOf}. */
    static final int PHASES = 3;

    boolean inWindow(final long intendedNanos) {
        return phaseOf(intendedNanos) == WINDOW;
    }

    /**
     * {@link #WARM_UP}, {@link #WINDOW} or {@link #AFTER}, from the sign bits of two differences instead of
     * comparisons. Why: the load generator's hot loops (sender, ACK and COMMAND readers) record every frame into a
     * histogram indexed by this. With a branch ("record only in the window") the recording path was never taken in
     * the whole warm-up, so the JIT compiled it out, and the window's first frame deoptimised the sender and all rig
     * readers: the load generator itself fell behind at the start of every measured window.
     */
    int phaseOf(final long intendedNanos) {
        final int before = (int) ((intendedNanos - windowStartNanos) >>> 63); // 1 if before the window
        final int atOrAfterEnd = (int) (~(intendedNanos - windowEndNanos) >>> 63); // 1 if at or after its end
        return WINDOW - before + atOrAfterEnd;
    }
}
