package io.cellwatch.replay.send;

import java.util.Locale;

/**
 * How fast a run is replayed: a factor on the run's own time ({@code 1} = real time, {@code 100} = a hundred times
 * faster) or {@link #MAX}, as fast as the gateway takes the frames. The speed changes only when frames are sent,
 * never the sample timestamps, so every speed gives the same alerts with the same sample times.
 */
public final class ReplaySpeed {
    /** Smallest factor accepted: a hundred times slower than real time. */
    public static final double MIN_FACTOR = 0.01;
    /** No pacing at all. */
    public static final ReplaySpeed MAX = new ReplaySpeed(Double.POSITIVE_INFINITY);
    /** Real time. */
    public static final ReplaySpeed REAL_TIME = new ReplaySpeed(1.0);

    private final double factor;

    private ReplaySpeed(final double factor) {
        this.factor = factor;
    }

    /** A speed factor, at least {@link #MIN_FACTOR} and finite. */
    public static ReplaySpeed of(final double factor) {
        if (!(factor >= MIN_FACTOR) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("speed must be a number of at least " + MIN_FACTOR
                + " or 'max', got " + factor);
        }
        return new ReplaySpeed(factor);
    }

    /** Parses {@code max}, {@code 1}, {@code 100}, {@code 2.5} or {@code 100x}. */
    public static ReplaySpeed parse(final String text) {
        final String t = text.strip().toLowerCase(Locale.ROOT);
        if ("max".equals(t)) {
            return MAX;
        }
        final String number = t.endsWith("x") ? t.substring(0, t.length() - 1) : t;
        final double factor;
        try {
            factor = Double.parseDouble(number);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("speed '" + text + "' is not a number or 'max'");
        }
        if (!(factor >= MIN_FACTOR) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("speed '" + text + "' must be at least " + MIN_FACTOR + " or 'max'");
        }
        return new ReplaySpeed(factor);
    }

    public boolean isMax() {
        return Double.isInfinite(factor);
    }

    /** The factor; infinite for {@link #MAX}. */
    public double factor() {
        return factor;
    }

    /** Wall-clock nanoseconds that {@code runMicros} of run time take at this speed (0 at max speed). */
    public long wallNanos(final long runMicros) {
        if (isMax()) {
            return 0;
        }
        // Through double: exact enough (well below a microsecond for runs of years) and cannot overflow silently.
        return (long) Math.min(Long.MAX_VALUE, Math.rint(runMicros * 1000.0 / factor));
    }

    @Override
    public String toString() {
        if (isMax()) {
            return "max";
        }
        return (factor == Math.rint(factor) ? Long.toString((long) factor) : Double.toString(factor)) + "x";
    }
}
