package io.cellwatch.core.rules;

/**
 * A 50 mV voltage drop (PSE Appendix 9, 3-(10) forced internal short, stage 5: "stop lowering the press jig at the
 * moment a voltage drop of 50 mV or more is observed, or the pressing force reaches 800 N (400 N prismatic),
 * whichever is earlier").
 *
 * <p><b>Baseline mode</b> (abuse tests): the reference is the voltage when pressing started, i.e. the first sample
 * at or after a PRESS_START mark, or the run's first sample when there is no mark, never the previous sample, so a
 * slow soft short still adds up to the threshold. Fires when {@code baseline - V >= threshold} (judged on the rig's
 * f32 readings, see {@link #dropReached}) or when the force
 * reaches the force limit, whichever comes first; once per pressing phase (a new PRESS_START re-arms it).
 *
 * <p><b>Rolling-rest mode</b> (ORT racks): the reference is the highest voltage in a trailing window, counting only
 * samples taken at rest ({@code |I| < rest current}) after a settling time, so that the ordinary 50-400 mV steps
 * when the current changes, and the relaxation right after them, never fire. Leaving rest clears the window. The
 * window is kept as {@value #BUCKETS} time buckets holding their maximum, so its state is fixed-size at any sample
 * rate; the trailing window therefore spans between {@code window * (BUCKETS-1)/BUCKETS} and {@code window}.
 * Fires once per rest period.
 */
public final class VoltageDropRule {
    public static final String ID = "voltage-drop";
    public static final int MODE_BASELINE = 0;
    public static final int MODE_ROLLING_REST = 1;
    /** Buckets of the rolling window. */
    public static final int BUCKETS = 32;

    /** {@link #evaluate} result: nothing happened. */
    public static final int NONE = 0;
    /** Fired on the voltage drop. */
    public static final int FIRED_DROP = 1;
    /** Fired on the force limit. */
    public static final int FIRED_FORCE = 2;

    private VoltageDropRule() {
    }

    /** A phase marker: PRESS_START (and RUN_START) take a new baseline and re-arm the rule. */
    public static void onPressStart(final VoltageDropState s, final long markMicros) {
        s.fired = false;
        s.baseline = Double.NaN;
        s.baselineFromMicros = markMicros;
        s.restSinceMicros = Long.MIN_VALUE;
        s.clearWindow();
    }

    /**
     * Evaluates one sample.
     *
     * @return {@link #NONE}, {@link #FIRED_DROP} or {@link #FIRED_FORCE}; the reference used is then in
     *     {@link #reference(VoltageDropState, RuleParameters, long)}
     */
    public static int evaluate(final VoltageDropState s, final RuleParameters p, final long t, final double v,
                               final double current, final double force) {
        if (p.voltageDropMode == MODE_BASELINE) {
            return evaluateBaseline(s, p, t, v, force);
        }
        return evaluateRollingRest(s, p, t, v, current);
    }

    private static int evaluateBaseline(final VoltageDropState s, final RuleParameters p, final long t,
                                        final double v, final double force) {
        if (s.fired || t < s.baselineFromMicros) {
            return NONE; // already stopped, or before the press started
        }
        // The force limit stops the press even when the voltage reading is missing.
        if (force >= p.voltageDropForceLimit) { // NaN force or NaN limit: false
            s.fired = true;
            return FIRED_FORCE;
        }
        if (Double.isNaN(s.baseline)) {
            if (!Double.isFinite(v)) {
                return NONE; // no usable voltage for the baseline yet
            }
            s.baseline = v;
        }
        if (dropReached(s.baseline, v, p.voltageDropThreshold)) {
            s.fired = true;
            return FIRED_DROP;
        }
        return NONE;
    }

    private static int evaluateRollingRest(final VoltageDropState s, final RuleParameters p, final long t,
                                           final double v, final double current) {
        if (!(Math.abs(current) < p.voltageDropRestCurrent) || !Double.isFinite(v)) {
            if (s.restSinceMicros != Long.MIN_VALUE) {
                s.restSinceMicros = Long.MIN_VALUE;
                s.fired = false;
                s.clearWindow();
            }
            return NONE;
        }
        if (s.restSinceMicros == Long.MIN_VALUE) {
            s.restSinceMicros = t;
        }
        if (t - s.restSinceMicros < p.voltageDropSettleMicros) {
            return NONE; // relaxation right after a current step is not a drop
        }
        final long width = Math.max(1, p.voltageDropWindowMicros / BUCKETS);
        final long index = Math.floorDiv(t, width);
        final int slot = (int) Math.floorMod(index, (long) BUCKETS);
        if (s.bucketIndex[slot] != index) {
            s.bucketIndex[slot] = index;
            s.bucketMax[slot] = (float) v;
        } else if (v > s.bucketMax[slot]) {
            s.bucketMax[slot] = (float) v;
        }
        if (s.fired) {
            return NONE;
        }
        final double max = windowMax(s, index);
        if (dropReached(max, v, p.voltageDropThreshold)) {
            s.fired = true;
            return FIRED_DROP;
        }
        return NONE;
    }

    /**
     * Whether {@code reference - v} reaches the threshold. Readings travel as f32, which holds few decimal voltages
     * exactly: a rig's 4.000 V and 3.950 V arrive as 4.0 and 3.9500000477, a difference of 49.99995 mV, and most
     * baselines would fire one sample (one more mV of soft short) late. The standard stops at "50 mV or more", so
     * the difference may fall short by one f32 step of the reference (0.48 uV at 4 V), the most the two roundings
     * can take off; a drop of 49.999 mV still does not fire.
     */
    static boolean dropReached(final double reference, final double v, final double threshold) {
        return reference - v >= threshold - Math.ulp((float) reference);
    }

    /**
     * The rig's clock went back to {@code t} by {@code jumpMicros} (negative). Times of the old timeline that lie
     * after {@code t} (the press start, the start of the rest period) move back by the jump, as if no time passed
     * across it, so that no comparison mixes the two timelines: a press running when the rig's clock restarts at
     * zero is still watched, against the same baseline. The rolling window needs nothing: buckets of the old
     * timeline lie after {@code t} and so outside the trailing window, and a small jitter keeps its history.
     */
    public static void onClockJump(final VoltageDropState s, final long t, final long jumpMicros) {
        if (s.baselineFromMicros != Long.MIN_VALUE && s.baselineFromMicros > t) {
            s.baselineFromMicros += jumpMicros;
        }
        if (s.restSinceMicros != Long.MIN_VALUE && s.restSinceMicros > t) {
            s.restSinceMicros += jumpMicros;
        }
    }

    private static double windowMax(final VoltageDropState s, final long index) {
        double max = Double.NEGATIVE_INFINITY;
        final long oldest = index - (BUCKETS - 1);
        for (int i = 0; i < BUCKETS; i++) {
            final long b = s.bucketIndex[i];
            if (b >= oldest && b <= index && s.bucketMax[i] > max) {
                max = s.bucketMax[i];
            }
        }
        return max;
    }

    /** The reference voltage of the last evaluation at time {@code t}: the baseline, or the window maximum. */
    public static double reference(final VoltageDropState s, final RuleParameters p, final long t) {
        if (p.voltageDropMode == MODE_BASELINE) {
            return s.baseline;
        }
        return windowMax(s, Math.floorDiv(t, Math.max(1, p.voltageDropWindowMicros / BUCKETS)));
    }
}
