package io.cellwatch.core.rules;

import java.util.Locale;

/**
 * Every rule parameter of one channel, resolved from its test procedure, its cell form and capacity, and the
 * rig's overrides. Stored in the channel's state, so a running channel keeps the limits it was declared with.
 * A Flink POJO (public fields, no-arg constructor). Times in microseconds, voltages in V, currents in A,
 * temperatures in C, forces in N. NaN means "not set"; a rule whose {@code *Enabled} flag is false is skipped.
 */
public class RuleParameters {
    // --- upper charge voltage (PSE Appendix 9, 3-(11)) ---
    public boolean upperChargeVoltageEnabled = true;
    public double upperChargeVoltageLimit = UpperChargeVoltageRule.DEFAULT_LIMIT_VOLTS;
    public double upperChargeVoltageHysteresis = UpperChargeVoltageRule.DEFAULT_HYSTERESIS_VOLTS;

    // --- voltage drop (3-(10) forced internal short; rolling-rest mode for ORT) ---
    public boolean voltageDropEnabled;
    /** {@link VoltageDropRule#MODE_BASELINE} or {@link VoltageDropRule#MODE_ROLLING_REST}. */
    public int voltageDropMode = VoltageDropRule.MODE_BASELINE;
    public double voltageDropThreshold = 0.050;
    /** Press force that stops the test too (800 N cylindrical, 400 N prismatic and pouch); NaN = none. */
    public double voltageDropForceLimit = Double.NaN;
    public long voltageDropWindowMicros = 1_000_000L;
    public double voltageDropRestCurrent = 0.05;
    public long voltageDropSettleMicros = 2_000_000L;

    // --- temperature back within a fraction of its peak (3-(1) external short) ---
    public boolean temperatureReturnEnabled;
    public double temperatureReturnFraction = 0.20;
    public double temperatureReturnMinRise = 2.0;
    /** Fixed ambient temperature when samples carry none; NaN = use the run's first cell temperature. */
    public double temperatureReturnAmbient = Double.NaN;
    public long temperatureReturnTimeCapMicros = 24L * 3600 * 1_000_000;
    /** Packs: end this long after the current stopped; 0 = off. */
    public long temperatureReturnCurrentStopCapMicros;
    /** |I| below this after the short current flowed counts as "current stopped". */
    public double temperatureReturnCurrentStoppedBelow = 0.1;

    // --- data quality ---
    /** A channel with no data for this long raises a data-quality alert; 0 = off. */
    public long silentAfterMicros = 60_000_000L;
    /** Voltages outside [min, max] are impossible for a cell (sensor fault, wrong scaling). */
    public double plausibleVoltageMin = -0.5;
    public double plausibleVoltageMax = 10.0;

    public RuleParameters() {
    }

    /** A copy (parameters are shared between channels of a procedure, then overridden per channel). */
    public RuleParameters copy() {
        final RuleParameters p = new RuleParameters();
        p.upperChargeVoltageEnabled = upperChargeVoltageEnabled;
        p.upperChargeVoltageLimit = upperChargeVoltageLimit;
        p.upperChargeVoltageHysteresis = upperChargeVoltageHysteresis;
        p.voltageDropEnabled = voltageDropEnabled;
        p.voltageDropMode = voltageDropMode;
        p.voltageDropThreshold = voltageDropThreshold;
        p.voltageDropForceLimit = voltageDropForceLimit;
        p.voltageDropWindowMicros = voltageDropWindowMicros;
        p.voltageDropRestCurrent = voltageDropRestCurrent;
        p.voltageDropSettleMicros = voltageDropSettleMicros;
        p.temperatureReturnEnabled = temperatureReturnEnabled;
        p.temperatureReturnFraction = temperatureReturnFraction;
        p.temperatureReturnMinRise = temperatureReturnMinRise;
        p.temperatureReturnAmbient = temperatureReturnAmbient;
        p.temperatureReturnTimeCapMicros = temperatureReturnTimeCapMicros;
        p.temperatureReturnCurrentStopCapMicros = temperatureReturnCurrentStopCapMicros;
        p.temperatureReturnCurrentStoppedBelow = temperatureReturnCurrentStoppedBelow;
        p.silentAfterMicros = silentAfterMicros;
        p.plausibleVoltageMin = plausibleVoltageMin;
        p.plausibleVoltageMax = plausibleVoltageMax;
        return p;
    }

    /**
     * Checks every value.
     *
     * @throws IllegalArgumentException naming the parameter and the bad value
     */
    public RuleParameters validate() {
        positive("upper-charge-voltage.limit", upperChargeVoltageLimit, 10);
        range("upper-charge-voltage.hysteresis", upperChargeVoltageHysteresis, 0, upperChargeVoltageLimit);
        if (voltageDropMode != VoltageDropRule.MODE_BASELINE && voltageDropMode != VoltageDropRule.MODE_ROLLING_REST) {
            throw new IllegalArgumentException("voltage-drop.mode must be baseline or rolling-rest, got " + voltageDropMode);
        }
        positive("voltage-drop.threshold", voltageDropThreshold, 5);
        if (!Double.isNaN(voltageDropForceLimit)) {
            positive("voltage-drop.force-limit", voltageDropForceLimit, 1e7);
        }
        positiveTime("voltage-drop.window", voltageDropWindowMicros, 86_400);
        range("voltage-drop.rest-current", voltageDropRestCurrent, 0, 1e4);
        range("voltage-drop.settle", voltageDropSettleMicros / 1e6, 0, 86_400);
        range("temperature-return.fraction", temperatureReturnFraction, 0, 1);
        if (temperatureReturnFraction <= 0 || temperatureReturnFraction >= 1) {
            throw new IllegalArgumentException("temperature-return.fraction must be between 0 and 1 (exclusive), got "
                + temperatureReturnFraction);
        }
        positive("temperature-return.min-rise", temperatureReturnMinRise, 1000);
        if (!Double.isNaN(temperatureReturnAmbient)) {
            range("temperature-return.ambient", temperatureReturnAmbient, -80, 300);
        }
        positiveTime("temperature-return.time-cap", temperatureReturnTimeCapMicros, 30 * 86_400);
        range("temperature-return.current-stop-cap", temperatureReturnCurrentStopCapMicros / 1e6, 0, 30 * 86_400.0);
        range("temperature-return.current-stopped-below", temperatureReturnCurrentStoppedBelow, 0, 1e4);
        range("data-quality.silent-after", silentAfterMicros / 1e6, 0, 30 * 86_400.0);
        if (!(plausibleVoltageMin < plausibleVoltageMax)) { // an empty range would make every reading "implausible"
            throw new IllegalArgumentException("data-quality.voltage-min must be below data-quality.voltage-max, got "
                + fmt(plausibleVoltageMin) + " and " + fmt(plausibleVoltageMax));
        }
        return this;
    }

    private static void positive(final String name, final double v, final double max) {
        if (!(v > 0) || !(v <= max)) {
            throw new IllegalArgumentException(name + " must be > 0 and <= " + fmt(max) + ", got " + fmt(v));
        }
    }

    /** Bounded, so that a start time plus this time cannot overflow (a cap time would turn negative). */
    private static void positiveTime(final String name, final long micros, final long maxSeconds) {
        if (micros <= 0 || micros > maxSeconds * 1_000_000L) {
            throw new IllegalArgumentException(name + " must be a positive time up to " + maxSeconds + " s, got "
                + fmt(micros / 1e6) + " s");
        }
    }

    private static void range(final String name, final double v, final double min, final double max) {
        if (!(v >= min && v <= max)) {
            throw new IllegalArgumentException(name + " must be within [" + fmt(min) + ", " + fmt(max) + "], got " + fmt(v));
        }
    }

    private static String fmt(final double v) {
        return String.format(Locale.ROOT, "%s", v);
    }
}
