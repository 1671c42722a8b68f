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

    boolean inWindow(final long intendedNanos) {
        return intendedNanos >= windowStartNanos && intendedNanos < windowEndNanos;
    }
}
