package io.cellwatch.core.procedure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.cellwatch.core.rules.RuleParameters;
import io.cellwatch.core.rules.VoltageDropRule;

class ParameterKeysTest {
    /** A valid value, different from the default, for every parameter name. */
    private static final Map<String, String> EXAMPLES = new LinkedHashMap<>();

    static {
        EXAMPLES.put("upper-charge-voltage.enabled", "false");
        EXAMPLES.put("upper-charge-voltage.limit", "4.35");
        EXAMPLES.put("upper-charge-voltage.hysteresis", "0.02");
        EXAMPLES.put("voltage-drop.enabled", "true");
        EXAMPLES.put("voltage-drop.mode", "rolling-rest");
        EXAMPLES.put("voltage-drop.threshold", "0.04");
        EXAMPLES.put("voltage-drop.force-limit", "400");
        EXAMPLES.put("voltage-drop.window", "5");
        EXAMPLES.put("voltage-drop.rest-current", "0.1");
        EXAMPLES.put("voltage-drop.settle", "10");
        EXAMPLES.put("temperature-return.enabled", "true");
        EXAMPLES.put("temperature-return.fraction", "0.8");
        EXAMPLES.put("temperature-return.min-rise", "3");
        EXAMPLES.put("temperature-return.ambient", "20");
        EXAMPLES.put("temperature-return.time-cap", "3600");
        EXAMPLES.put("temperature-return.current-stop-cap", "3600");
        EXAMPLES.put("temperature-return.current-stopped-below", "0.2");
        EXAMPLES.put("data-quality.silent-after", "30");
        EXAMPLES.put("data-quality.voltage-min", "-1");
        EXAMPLES.put("data-quality.voltage-max", "6");
    }

    private static List<Field> parameterFields() {
        final List<Field> fields = new ArrayList<>();
        for (Field f : RuleParameters.class.getDeclaredFields()) {
            if (!Modifier.isStatic(f.getModifiers())) {
                fields.add(f);
            }
        }
        return fields;
    }

    /** The names of the fields whose values differ between a and b. */
    private static Set<String> changedFields(final RuleParameters a, final RuleParameters b) throws Exception {
        final Set<String> changed = new HashSet<>();
        for (Field f : parameterFields()) {
            if (!Objects.equals(f.get(a), f.get(b))) {
                changed.add(f.getName());
            }
        }
        return changed;
    }

    @Test
    void shouldSetExactlyOneDistinctFieldWhenEachNameIsSet() throws Exception {
        // Every name must reach the parameters (a name that sets nothing, or two names setting the same field, would
        // make an override silently ineffective), and every field must have a name (or docs/rules.md and the CHANNEL
        // overrides could not reach it).
        assertEquals(EXAMPLES.keySet(), ParameterKeys.names());
        final Set<String> fieldsReached = new HashSet<>();
        for (Map.Entry<String, String> e : EXAMPLES.entrySet()) {
            final RuleParameters p = new RuleParameters();
            ParameterKeys.set(p, e.getKey(), e.getValue());
            final Set<String> changed = changedFields(new RuleParameters(), p);
            assertEquals(1, changed.size(), e.getKey() + " changed " + changed);
            assertTrue(fieldsReached.addAll(changed), e.getKey() + " sets a field another name sets too: " + changed);
            p.validate(); // the example itself is valid
        }
        assertEquals(parameterFields().size(), fieldsReached.size());
    }

    @Test
    void shouldKeepTheNamesInDocumentationOrderAndUnmodifiable() {
        // names() is what docs/rules.md is checked against and what error messages list: a fixed, readable order.
        assertEquals(new ArrayList<>(EXAMPLES.keySet()), new ArrayList<>(ParameterKeys.names()));
        assertThrows(UnsupportedOperationException.class, () -> ParameterKeys.names().add("x.y"));
    }

    @Test
    void shouldConvertSecondsToMicrosecondsWhenATimeIsSet() {
        // Times are written in seconds (files, overrides, command lines) and kept in us like sample timestamps.
        final RuleParameters p = new RuleParameters();
        ParameterKeys.set(p, "voltage-drop.window", "1.5");
        assertEquals(1_500_000L, p.voltageDropWindowMicros);
        ParameterKeys.set(p, "voltage-drop.settle", "0.000001");
        assertEquals(1L, p.voltageDropSettleMicros);
        ParameterKeys.set(p, "temperature-return.time-cap", "86400");
        assertEquals(86_400_000_000L, p.temperatureReturnTimeCapMicros);
        ParameterKeys.set(p, "temperature-return.current-stop-cap", 3600.0);
        assertEquals(3_600_000_000L, p.temperatureReturnCurrentStopCapMicros);
    }

    @Test
    void shouldSetTheUpperChargeVoltageLimitWhenTheProtocolAliasIsUsed() {
        // Rig protocol v1 named the override "upperChargeVoltage"; rigs in the field still send it.
        final RuleParameters text = new RuleParameters();
        ParameterKeys.set(text, ParameterKeys.UPPER_CHARGE_VOLTAGE_ALIAS, "4.40");
        assertEquals(4.40, text.upperChargeVoltageLimit);
        final RuleParameters number = new RuleParameters();
        ParameterKeys.set(number, "upperChargeVoltage", 3.65);
        assertEquals(3.65, number.upperChargeVoltageLimit);
    }

    @Test
    void shouldAcceptTheWordsAndTheNumbersWhenBooleansAndTheModeAreSet() {
        // Files use words; a CHANNEL frame carries only f64 values, so booleans and the mode travel as 0/1.
        final RuleParameters p = new RuleParameters();
        ParameterKeys.set(p, "voltage-drop.enabled", "TRUE");
        assertTrue(p.voltageDropEnabled);
        ParameterKeys.set(p, "voltage-drop.enabled", 0.0);
        assertFalse(p.voltageDropEnabled);
        ParameterKeys.set(p, "voltage-drop.enabled", 1.0);
        assertTrue(p.voltageDropEnabled);
        ParameterKeys.set(p, "voltage-drop.mode", 1.0);
        assertEquals(VoltageDropRule.MODE_ROLLING_REST, p.voltageDropMode);
        ParameterKeys.set(p, "voltage-drop.mode", "baseline");
        assertEquals(VoltageDropRule.MODE_BASELINE, p.voltageDropMode);
        ParameterKeys.set(p, "voltage-drop.threshold", " 0.040 "); // command lines and files may carry spaces
        assertEquals(0.040, p.voltageDropThreshold);
    }

    @Test
    void shouldRefuseAnUnknownNameNamingItAndTheKnownOnes() {
        // A typo must not silently leave the default in place: the message names the typo and lists the real names.
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> ParameterKeys.set(new RuleParameters(), "voltage-drop.treshold", "0.04"));
        assertTrue(e.getMessage().contains("'voltage-drop.treshold'"), e.getMessage());
        assertTrue(e.getMessage().contains("voltage-drop.threshold"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ParameterKeys.set(new RuleParameters(), "nope", 1.0));
    }

    @Test
    void shouldRefuseAValueThatDoesNotParseNamingTheParameterAndTheValue() {
        final Map<String, String> bad = new LinkedHashMap<>();
        bad.put("voltage-drop.threshold", "abc");
        bad.put("voltage-drop.enabled", "maybe");
        bad.put("voltage-drop.mode", "fast");
        bad.put("voltage-drop.window", "-1"); // a negative time
        bad.put("temperature-return.time-cap", "NaN");
        bad.put("upper-charge-voltage.limit", "Infinity");
        bad.put("upper-charge-voltage.hysteresis", "");
        // NaN is "not set" inside RuleParameters (no force limit, no fixed ambient), so a NaN *value* would switch
        // the press force limit or the fixed ambient off: it is not a number a procedure or a rig may give.
        bad.put("voltage-drop.force-limit", "NaN");
        bad.put("temperature-return.ambient", "NaN");
        for (Map.Entry<String, String> e : bad.entrySet()) {
            final IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
                () -> ParameterKeys.set(new RuleParameters(), e.getKey(), e.getValue()), e.toString());
            assertTrue(x.getMessage().contains("'" + e.getKey() + "'"), x.getMessage());
            assertTrue(x.getMessage().contains("'" + e.getValue() + "'"), x.getMessage());
        }
    }

    @Test
    void shouldRefuseANumericOverrideThatIsNotZeroOrOneForABooleanOrTheMode() {
        // A CHANNEL override is an f64: for a boolean or the mode only 0 and 1 mean something; 0.5 must not be
        // rounded to either (it would silently switch a rule on or off).
        for (String name : List.of("voltage-drop.enabled", "temperature-return.enabled", "voltage-drop.mode")) {
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ParameterKeys.set(new RuleParameters(), name, 0.5));
            assertTrue(e.getMessage().contains(name) && e.getMessage().contains("0.5"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> ParameterKeys.set(new RuleParameters(), name, Double.NaN));
        }
    }

    @Test
    void shouldRefuseANaNOverrideWhenItWouldSwitchALimitOff() {
        // A CHANNEL frame with NaN is refused by the frame validator already; resolve() is also called by the replay
        // tool and command lines, so the parameter layer must not accept it either.
        final RuleParameters p = new RuleParameters();
        p.voltageDropForceLimit = 400;
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> ParameterKeys.set(p, "voltage-drop.force-limit", Double.NaN));
        assertTrue(e.getMessage().contains("voltage-drop.force-limit") && e.getMessage().contains("NaN"), e.getMessage());
        assertEquals(400.0, p.voltageDropForceLimit);
    }
}
