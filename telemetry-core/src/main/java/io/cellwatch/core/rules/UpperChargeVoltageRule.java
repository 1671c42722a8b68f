package io.cellwatch.core.rules;

/**
 * Upper charge voltage exceeded (PSE Appendix 9, 3-(11) overcharge protection: "the battery block voltage must not
 * exceed the upper charge voltage"). Fires on the first sample with V strictly greater than the limit; one alert per
 * episode; the episode ends when V falls below limit - hysteresis, so a voltage hovering at the limit does not
 * raise an alert on every sample.
 *
 * <p>Samples travel as f32, and most limits are not exact in f32: 4.40 V is sent as 4.4000001 V, 3.65 V as
 * 3.6500001 V. A reading of exactly the limit must not fire, so a limit is compared against as the larger of the
 * limit and its f32 value, and the re-arm level as the smaller of the two (4.2 V is sent as 4.1999998 V). Only
 * double-precision readings within half an f32 step (about 0.2 uV at 4 V) of a limit see a difference.
 *
 * <p>Stateless itself: the caller keeps the one bit of episode state per channel (in Flink keyed state, or in a
 * replay's channel table), so one rule instance serves every channel with the same parameters.
 */
public final class UpperChargeVoltageRule {
    /** Rule id used in alerts and procedure files. */
    public static final String ID = "upper-charge-voltage";
    /** Default limit for ordinary Li-ion cells; 4.35/4.40 V for high-voltage cells, 3.65 V for LFP. */
    public static final double DEFAULT_LIMIT_VOLTS = 4.25;
    /** Default re-arm hysteresis. */
    public static final double DEFAULT_HYSTERESIS_VOLTS = 0.05;

    private final double limitVolts;
    private final double fireAboveVolts;
    private final double rearmBelowVolts;
    private final double hysteresisVolts;

    public UpperChargeVoltageRule(final double limitVolts, final double hysteresisVolts) {
        if (!(limitVolts > 0) || !Double.isFinite(limitVolts)) {
            throw new IllegalArgumentException("upper charge voltage limit must be a positive number of volts, got " + limitVolts);
        }
        if (!(hysteresisVolts >= 0) || hysteresisVolts >= limitVolts) {
            throw new IllegalArgumentException("hysteresis must be >= 0 V and below the limit, got " + hysteresisVolts);
        }
        this.limitVolts = limitVolts;
        this.fireAboveVolts = Math.max(limitVolts, asF32(limitVolts));
        this.hysteresisVolts = hysteresisVolts;
        this.rearmBelowVolts = Math.min(limitVolts - hysteresisVolts, asF32(limitVolts - hysteresisVolts));
    }

    /** {@code volts} rounded to f32, as a rig would send it (unchanged if out of f32 range). */
    private static double asF32(final double volts) {
        final float f = (float) volts;
        return Float.isFinite(f) ? f : volts;
    }

    public double hysteresisVolts() {
        return hysteresisVolts;
    }

    public double limitVolts() {
        return limitVolts;
    }

    /**
     * Evaluates one sample. NaN voltages change nothing (a missing value is not evidence either way).
     *
     * @param episodeActive whether an alert is active for this channel
     * @param voltage       the sample's voltage, V
     */
    public Transition evaluate(final boolean episodeActive, final double voltage) {
        if (!episodeActive) {
            return voltage > fireAboveVolts ? Transition.FIRED : Transition.NONE;
        }
        return voltage < rearmBelowVolts ? Transition.CLEARED : Transition.NONE;
    }
}
