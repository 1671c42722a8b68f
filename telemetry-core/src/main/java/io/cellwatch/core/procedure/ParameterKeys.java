package io.cellwatch.core.procedure;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

import io.cellwatch.core.rules.RuleParameters;
import io.cellwatch.core.rules.VoltageDropRule;

/**
 * The flat names of every rule parameter ({@code rule.parameter}), as used in procedure files, in a CHANNEL
 * frame's overrides and on command lines ({@code --set voltage-drop.threshold=0.040}). Times are in seconds,
 * voltages in V, currents in A, temperatures in C, forces in N. Documented in docs/rules.md.
 */
public final class ParameterKeys {
    /** Override name from rig protocol v1 for the upper charge voltage, kept as an alias. */
    public static final String UPPER_CHARGE_VOLTAGE_ALIAS = "upperChargeVoltage";

    private static final Map<String, BiConsumer<RuleParameters, String>> SETTERS = new LinkedHashMap<>();

    static {
        SETTERS.put("upper-charge-voltage.enabled", (p, v) -> p.upperChargeVoltageEnabled = bool(v));
        SETTERS.put("upper-charge-voltage.limit", (p, v) -> p.upperChargeVoltageLimit = num(v));
        SETTERS.put("upper-charge-voltage.hysteresis", (p, v) -> p.upperChargeVoltageHysteresis = num(v));
        SETTERS.put("voltage-drop.enabled", (p, v) -> p.voltageDropEnabled = bool(v));
        SETTERS.put("voltage-drop.mode", (p, v) -> p.voltageDropMode = mode(v));
        SETTERS.put("voltage-drop.threshold", (p, v) -> p.voltageDropThreshold = num(v));
        SETTERS.put("voltage-drop.force-limit", (p, v) -> p.voltageDropForceLimit = num(v));
        SETTERS.put("voltage-drop.window", (p, v) -> p.voltageDropWindowMicros = seconds(v));
        SETTERS.put("voltage-drop.rest-current", (p, v) -> p.voltageDropRestCurrent = num(v));
        SETTERS.put("voltage-drop.settle", (p, v) -> p.voltageDropSettleMicros = seconds(v));
        SETTERS.put("temperature-return.enabled", (p, v) -> p.temperatureReturnEnabled = bool(v));
        SETTERS.put("temperature-return.fraction", (p, v) -> p.temperatureReturnFraction = num(v));
        SETTERS.put("temperature-return.min-rise", (p, v) -> p.temperatureReturnMinRise = num(v));
        SETTERS.put("temperature-return.ambient", (p, v) -> p.temperatureReturnAmbient = num(v));
        SETTERS.put("temperature-return.time-cap", (p, v) -> p.temperatureReturnTimeCapMicros = seconds(v));
        SETTERS.put("temperature-return.current-stop-cap", (p, v) -> p.temperatureReturnCurrentStopCapMicros = seconds(v));
        SETTERS.put("temperature-return.current-stopped-below", (p, v) -> p.temperatureReturnCurrentStoppedBelow = num(v));
        SETTERS.put("data-quality.silent-after", (p, v) -> p.silentAfterMicros = seconds(v));
        SETTERS.put("data-quality.voltage-min", (p, v) -> p.plausibleVoltageMin = num(v));
        SETTERS.put("data-quality.voltage-max", (p, v) -> p.plausibleVoltageMax = num(v));
    }

    private ParameterKeys() {
    }

    /** Every parameter name. */
    public static Set<String> names() {
        return Collections.unmodifiableSet(SETTERS.keySet());
    }

    /**
     * Sets one parameter from its text form.
     *
     * @throws IllegalArgumentException for an unknown name or a value that does not parse, naming both
     */
    public static void set(final RuleParameters p, final String name, final String value) {
        final String key = UPPER_CHARGE_VOLTAGE_ALIAS.equals(name) ? "upper-charge-voltage.limit" : name;
        final BiConsumer<RuleParameters, String> setter = SETTERS.get(key);
        if (setter == null) {
            throw new IllegalArgumentException("unknown rule parameter '" + name + "'; known: " + String.join(", ", SETTERS.keySet()));
        }
        try {
            setter.accept(p, value.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("rule parameter '" + name + "' = '" + value + "': " + e.getMessage(), e);
        }
    }

    /** Sets one parameter from a CHANNEL frame override (numbers only; booleans as 0/1, mode as 0/1). */
    public static void set(final RuleParameters p, final String name, final double value) {
        final String key = UPPER_CHARGE_VOLTAGE_ALIAS.equals(name) ? "upper-charge-voltage.limit" : name;
        if (key.endsWith(".enabled") || key.equals("voltage-drop.mode")) {
            if (value != 0 && value != 1) {
                throw new IllegalArgumentException("rule parameter '" + name + "' takes 0 or 1, got " + value);
            }
            set(p, name, key.endsWith(".enabled") ? Boolean.toString(value == 1) : Integer.toString((int) value));
            return;
        }
        set(p, name, Double.toString(value));
    }

    private static double num(final String v) {
        try {
            final double d = Double.parseDouble(v);
            if (!Double.isFinite(d)) { // NaN means "not set" in RuleParameters: as a value it would switch a limit off
                throw new IllegalArgumentException("must be a finite number");
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number");
        }
    }

    private static long seconds(final String v) {
        final double s = num(v);
        if (!(s >= 0)) {
            throw new IllegalArgumentException("must be a time in seconds >= 0");
        }
        return Math.round(s * 1_000_000);
    }

    private static boolean bool(final String v) {
        switch (v.toLowerCase(Locale.ROOT)) {
            case "true": case "1": case "1.0": return true;
            case "false": case "0": case "0.0": return false;
            default: throw new IllegalArgumentException("must be true or false");
        }
    }

    private static int mode(final String v) {
        switch (v.toLowerCase(Locale.ROOT)) {
            case "baseline": case "0": return VoltageDropRule.MODE_BASELINE;
            case "rolling-rest": case "1": return VoltageDropRule.MODE_ROLLING_REST;
            default: throw new IllegalArgumentException("must be baseline or rolling-rest");
        }
    }
}
