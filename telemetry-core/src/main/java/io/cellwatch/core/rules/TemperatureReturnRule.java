package io.cellwatch.core.rules;

/**
 * The external short end criterion (PSE Appendix 9, 3-(1): "left shorted for 24 h, or until the difference between
 * the cell surface temperature and the ambient temperature has fallen to 20% or less of its maximum, whichever is
 * shorter"; for packs whose protection element stopped the current, until 1 h after the current stopped).
 *
 * <p>With dT = T_cell - T_ambient and dT_max its running maximum since the short began (a SHORT_APPLIED mark, or the
 * run's first sample): armed once dT_max reaches the minimum rise (so it cannot fire at the start, when both are near
 * zero), fires at the first sample with {@code dT <= fraction * dT_max}. The fraction is 0.20 by default (the seeds'
 * reading, "fallen TO 20% of the maximum"); 0.80 gives the other standards' reading ("declined BY 20%"). Ambient: the
 * sample's ambient field, else the procedure's fixed ambient, else the run's first cell temperature.
 *
 * <p>The time caps (24 h after the start; packs: a set time after the current stopped) are checked on each sample's
 * time here, and by a timer in the job when no sample arrives; either way the alert's sample time is the exact cap
 * time, so both paths give the same alert id.
 */
public final class TemperatureReturnRule {
    public static final String ID = "temperature-return";

    public static final int NONE = 0;
    /** dT came back within the fraction of its peak. */
    public static final int FIRED_RETURNED = 1;
    /** 24 h (the time cap) passed since the short began. */
    public static final int FIRED_TIME_CAP = 2;
    /** The set time passed since a pack's current stopped. */
    public static final int FIRED_CURRENT_STOP_CAP = 3;

    private TemperatureReturnRule() {
    }

    /** SHORT_APPLIED (or RUN_START): the short begins now; the peak starts over. */
    public static void onShortApplied(final TemperatureReturnState s, final long markMicros) {
        s.startMicros = markMicros;
        s.maxRise = Double.NEGATIVE_INFINITY;
        s.currentFlowing = false;
        s.currentStoppedMicros = Long.MIN_VALUE;
        s.fired = false;
        s.lastRise = Double.NaN;
    }

    /** CURRENT_STOPPED mark (packs): the protection element stopped the current. */
    public static void onCurrentStopped(final TemperatureReturnState s, final long markMicros) {
        if (s.currentStoppedMicros == Long.MIN_VALUE) {
            s.currentStoppedMicros = markMicros;
        }
    }

    /**
     * The rig's clock went back to {@code t} by {@code jumpMicros} (negative). The short's start and the current's
     * stop, if they lie after {@code t} (on the old timeline), move back by the jump, as if no time passed across it:
     * the caps keep counting the short's own duration instead of waiting for the new timeline to catch up.
     */
    public static void onClockJump(final TemperatureReturnState s, final long t, final long jumpMicros) {
        if (s.startMicros != Long.MIN_VALUE && s.startMicros > t) {
            s.startMicros += jumpMicros;
        }
        if (s.currentStoppedMicros != Long.MIN_VALUE && s.currentStoppedMicros > t) {
            s.currentStoppedMicros += jumpMicros;
        }
    }

    public static int evaluate(final TemperatureReturnState s, final RuleParameters p, final long t,
                               final double cellTemperature, final double ambientTemperature, final double current) {
        if (s.fired) {
            return NONE;
        }
        if (s.startMicros == Long.MIN_VALUE) {
            s.startMicros = t;
        }
        if (Double.isNaN(s.firstCellTemperature) && Double.isFinite(cellTemperature)) {
            s.firstCellTemperature = cellTemperature;
        }
        final int cap = capReached(s, p, t);
        if (cap != NONE) {
            s.fired = true;
            return cap;
        }
        if (p.temperatureReturnCurrentStopCapMicros > 0) {
            final double magnitude = Math.abs(current);
            if (magnitude >= p.temperatureReturnCurrentStoppedBelow) {
                s.currentFlowing = true;
            } else if (s.currentFlowing && s.currentStoppedMicros == Long.MIN_VALUE && !Double.isNaN(magnitude)) {
                s.currentStoppedMicros = t;
            }
        }
        final double ambient = Double.isFinite(ambientTemperature) ? ambientTemperature
            : Double.isFinite(p.temperatureReturnAmbient) ? p.temperatureReturnAmbient : s.firstCellTemperature;
        final double rise = cellTemperature - ambient;
        if (!Double.isFinite(rise)) {
            return NONE; // no cell temperature in this sample: nothing to judge
        }
        s.lastRise = rise;
        if (rise > s.maxRise) {
            s.maxRise = rise;
        }
        if (s.maxRise >= p.temperatureReturnMinRise && rise <= p.temperatureReturnFraction * s.maxRise) {
            s.fired = true;
            return FIRED_RETURNED;
        }
        return NONE;
    }

    /** Which cap, if any, is reached at time {@code t} (also used by the job's timer). */
    public static int capReached(final TemperatureReturnState s, final RuleParameters p, final long t) {
        if (s.fired || s.startMicros == Long.MIN_VALUE) {
            return NONE;
        }
        if (s.currentStoppedMicros != Long.MIN_VALUE && p.temperatureReturnCurrentStopCapMicros > 0
            && t - s.currentStoppedMicros >= p.temperatureReturnCurrentStopCapMicros
            && capTime(s, p, FIRED_CURRENT_STOP_CAP) <= capTime(s, p, FIRED_TIME_CAP)) {
            return FIRED_CURRENT_STOP_CAP;
        }
        if (t - s.startMicros >= p.temperatureReturnTimeCapMicros) {
            return FIRED_TIME_CAP;
        }
        return NONE;
    }

    /** The rig time at which the given cap is reached, or MAX_VALUE if it cannot be (yet). */
    public static long capTime(final TemperatureReturnState s, final RuleParameters p, final int cap) {
        if (cap == FIRED_TIME_CAP && s.startMicros != Long.MIN_VALUE) {
            return s.startMicros + p.temperatureReturnTimeCapMicros;
        }
        if (cap == FIRED_CURRENT_STOP_CAP && s.currentStoppedMicros != Long.MIN_VALUE
            && p.temperatureReturnCurrentStopCapMicros > 0) {
            return s.currentStoppedMicros + p.temperatureReturnCurrentStopCapMicros;
        }
        return Long.MAX_VALUE;
    }

    /** The earliest cap time, or MAX_VALUE: when the job's timer must look again if no sample arrives. */
    public static long nextCapTime(final TemperatureReturnState s, final RuleParameters p) {
        if (s.fired || s.startMicros == Long.MIN_VALUE) {
            return Long.MAX_VALUE;
        }
        return Math.min(capTime(s, p, FIRED_TIME_CAP), capTime(s, p, FIRED_CURRENT_STOP_CAP));
    }
}
