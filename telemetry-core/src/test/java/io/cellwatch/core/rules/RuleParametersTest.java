package io.cellwatch.core.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

class RuleParametersTest {
    @Test
    void shouldCopyEveryFieldWhenCopied() throws Exception {
        // A channel's parameters are a copy of its procedure's, then overridden: a field that copy() forgets would
        // silently fall back to its default on every declared channel. Give every field a non-default value and
        // check the copy carries each of them (the test finds new fields by itself).
        final RuleParameters p = new RuleParameters();
        int n = 0;
        for (Field f : RuleParameters.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            n++;
            if (f.getType() == boolean.class) {
                f.setBoolean(p, !f.getBoolean(p));
            } else if (f.getType() == int.class) {
                f.setInt(p, f.getInt(p) + 7);
            } else if (f.getType() == long.class) {
                f.setLong(p, f.getLong(p) + 7 + n);
            } else if (f.getType() == double.class) {
                f.setDouble(p, 0.125 * n + 1000);
            } else {
                throw new AssertionError("unexpected field type " + f);
            }
        }
        final RuleParameters copy = p.copy();
        assertNotSame(p, copy);
        for (Field f : RuleParameters.class.getDeclaredFields()) {
            if (!Modifier.isStatic(f.getModifiers())) {
                assertEquals(f.get(p), f.get(copy), f.getName());
                assertNotEquals(f.get(new RuleParameters()), f.get(copy), f.getName() + " kept its default");
            }
        }
    }

    @Test
    void shouldAcceptTheDefaultsWhenValidated() {
        // The defaults are what an undeclared channel and every unset parameter use: they must be valid themselves.
        final RuleParameters p = new RuleParameters();
        assertSame(p, p.validate());
    }

    private static void assertRefused(final String name, final String value, final Consumer<RuleParameters> change) {
        final RuleParameters p = new RuleParameters();
        change.accept(p);
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, p::validate, name);
        assertTrue(e.getMessage().startsWith(name + " "), e.getMessage());
        assertTrue(e.getMessage().contains("got " + value), e.getMessage());
    }

    @Test
    void shouldRefuseAnOutOfRangeValueNamingTheParameterAndTheValue() {
        // Every refusal names the parameter (as written in files and overrides) and the value, so that the rig's
        // ERROR frame or the start-up failure says what to fix.
        assertRefused("upper-charge-voltage.limit", "0.0", p -> p.upperChargeVoltageLimit = 0);
        assertRefused("upper-charge-voltage.limit", "42.0", p -> p.upperChargeVoltageLimit = 42);
        assertRefused("upper-charge-voltage.limit", "NaN", p -> p.upperChargeVoltageLimit = Double.NaN);
        assertRefused("upper-charge-voltage.hysteresis", "-0.01", p -> p.upperChargeVoltageHysteresis = -0.01);
        assertRefused("upper-charge-voltage.hysteresis", "5.0", p -> p.upperChargeVoltageHysteresis = 5);
        assertRefused("voltage-drop.mode", "7", p -> p.voltageDropMode = 7);
        assertRefused("voltage-drop.threshold", "0.0", p -> p.voltageDropThreshold = 0);
        assertRefused("voltage-drop.threshold", "-0.05", p -> p.voltageDropThreshold = -0.05);
        assertRefused("voltage-drop.force-limit", "-800.0", p -> p.voltageDropForceLimit = -800);
        assertRefused("voltage-drop.force-limit", "0.0", p -> p.voltageDropForceLimit = 0);
        assertRefused("voltage-drop.window", "0.0 s", p -> p.voltageDropWindowMicros = 0);
        assertRefused("voltage-drop.rest-current", "-1.0", p -> p.voltageDropRestCurrent = -1);
        assertRefused("voltage-drop.settle", "-1.0", p -> p.voltageDropSettleMicros = -1_000_000);
        assertRefused("temperature-return.fraction", "0.0", p -> p.temperatureReturnFraction = 0);
        assertRefused("temperature-return.fraction", "1.0", p -> p.temperatureReturnFraction = 1);
        assertRefused("temperature-return.fraction", "1.5", p -> p.temperatureReturnFraction = 1.5);
        assertRefused("temperature-return.min-rise", "0.0", p -> p.temperatureReturnMinRise = 0);
        assertRefused("temperature-return.ambient", "500.0", p -> p.temperatureReturnAmbient = 500);
        assertRefused("temperature-return.time-cap", "0.0 s", p -> p.temperatureReturnTimeCapMicros = 0);
        assertRefused("temperature-return.current-stop-cap", "-1.0", p -> p.temperatureReturnCurrentStopCapMicros = -1_000_000);
        assertRefused("temperature-return.current-stopped-below", "-0.1", p -> p.temperatureReturnCurrentStoppedBelow = -0.1);
        assertRefused("data-quality.silent-after", "-1.0", p -> p.silentAfterMicros = -1_000_000);
    }

    @Test
    void shouldRefuseATimeLongerThanItsBoundWhenValidated() {
        // Without a bound, a time cap of 1e13 s (Long.MAX_VALUE us once converted) makes start + cap overflow: the
        // cap time turns negative and the job's timer would wake up at once, for ever. The caps are bounded like the
        // current-stop cap (30 days), the window and the settle time by one day.
        assertRefused("temperature-return.time-cap", "2678400.0 s", p -> p.temperatureReturnTimeCapMicros = 2_678_400_000_000L);
        assertRefused("temperature-return.time-cap", "9.223372036854775E12 s", p -> p.temperatureReturnTimeCapMicros = Long.MAX_VALUE);
        assertRefused("voltage-drop.window", "86401.0 s", p -> p.voltageDropWindowMicros = 86_401_000_000L);
        final RuleParameters p = new RuleParameters();
        p.temperatureReturnTimeCapMicros = 2_592_000_000_000L; // exactly 30 days: allowed
        p.voltageDropWindowMicros = 86_400_000_000L; // exactly one day: allowed
        p.validate();
    }

    @Test
    void shouldRefuseAPlausibleVoltageRangeThatIsEmpty() {
        // Voltages outside [voltage-min, voltage-max] are treated as sensor faults and skipped by the voltage rules:
        // an empty range would turn every reading, over-voltage included, into a data-quality notice.
        final RuleParameters p = new RuleParameters();
        p.plausibleVoltageMin = 5.0;
        p.plausibleVoltageMax = 4.0;
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, p::validate);
        assertTrue(e.getMessage().contains("data-quality.voltage-min") && e.getMessage().contains("data-quality.voltage-max"),
            e.getMessage());
        assertTrue(e.getMessage().contains("5.0") && e.getMessage().contains("4.0"), e.getMessage());
    }
}
