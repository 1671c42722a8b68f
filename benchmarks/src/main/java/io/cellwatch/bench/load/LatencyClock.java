package io.cellwatch.bench.load;

/**
 * One timeline for the whole run. Every frame has an intended send time on {@link System#nanoTime()}; the rig
 * timestamps of its samples are derived from it, so a COMMAND's {@code sampleTimeMicros} maps back exactly to the
 * intended send time of the frame that carried the tripping sample (it is always the frame's last sample).
 *
 * @param startNanos         nanoTime of the schedule's origin
 * @param epochMicrosAtStart rig clock (us since the epoch) at the origin
 * @param windowStartNanos   first intended send time that is measured (after warm-up)
 * @param windowEndNanos     first intended send time that is not measured
 */
record LatencyClock(long startNanos, long epochMicrosAtStart, long windowStartNanos, long windowEndNanos) {

    static LatencyClock startingIn(final long delayNanos, final long warmupNanos, final long measureNanos) {
        final long nano = System.nanoTime();
        final long micros = System.currentTimeMillis() * 1000L;
        final long start = nano + delayNanos;
        return new LatencyClock(start, micros + delayNanos / 1000L, start + warmupNanos,
            start + warmupNanos + measureNanos);
    }

    long microsOf(final long intendedNanos) {
        return epochMicrosAtStart + Math.floorDiv(intendedNanos - startNanos, 1000L);
    }

    long nanosOf(final long rigMicros) {
        return startNanos + (rigMicros - epochMicrosAtStart) * 1000L;
    }

    long nowMicros() {
        return microsOf(System.nanoTime());
    }

    boolean inWindow(final long intendedNanos) {
        return intendedNanos >= windowStartNanos && intendedNanos < windowEndNanos;
    }
}
