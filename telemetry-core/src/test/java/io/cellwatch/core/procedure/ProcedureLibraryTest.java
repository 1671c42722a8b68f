package io.cellwatch.core.procedure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.cellwatch.core.model.CellForm;
import io.cellwatch.core.model.ChannelDeclaration;
import io.cellwatch.core.rules.RuleParameters;
import io.cellwatch.core.rules.VoltageDropRule;

class ProcedureLibraryTest {
    private static final ProcedureLibrary LIB = ProcedureLibrary.builtIn();

    private static ProcedureLibrary parse(final String json) throws IOException {
        return ProcedureLibrary.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    /** A library of one procedure with the given parameters and extra fields (JSON fragments). */
    private static String oneProcedure(final String parameters, final String extra) {
        return "{\"procedures\": [{\"id\": \"test/p\", \"version\": 1, \"parameters\": {" + parameters + "}" + extra + "}]}";
    }

    private static void assertMessageNames(final IllegalArgumentException e, final String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + part + "' missing from: " + e.getMessage());
        }
    }

    @Test
    void shouldParseAndValidateEveryShippedProcedure() {
        // The shipped file is read once per JVM; a bad entry would fail every channel declaration at run time.
        assertEquals(List.of("cellwatch/monitor@1", "ort/cycling@1", "ort/cycling@2", "pse-app9/external-short-cell@1",
                "pse-app9/external-short-pack@1", "pse-app9/forced-internal-short@1", "pse-app9/overcharge-protection@1"),
            List.copyOf(LIB.procedures().keySet()));
        for (TestProcedure p : LIB.procedures().values()) {
            assertEquals(p.id() + "@" + p.version(), p.name());
            assertFalse(p.title().isEmpty(), p.name());
            assertTrue(p.source().contains("PSE Appendix 9"), p.name()); // every procedure cites its clause
            p.parameters().copy().validate();
            for (CellForm form : CellForm.values()) { // every form resolves, with or without a force limit
                LIB.resolve(p.id(), p.version(), form, Map.of());
            }
        }
        assertSame(LIB, ProcedureLibrary.builtIn()); // loaded once
    }

    @Test
    void shouldEnableExactlyTheRulesEachShippedProcedureNames() {
        // "A rule is enabled only if its '.enabled' is true": e.g. the external short must not stop on 4.25 V.
        final Map<String, List<Boolean>> enabled = new HashMap<>();
        for (TestProcedure p : LIB.procedures().values()) {
            final RuleParameters r = p.parameters();
            enabled.put(p.name(), List.of(r.upperChargeVoltageEnabled, r.voltageDropEnabled, r.temperatureReturnEnabled));
        }
        assertEquals(List.of(true, false, false), enabled.get("cellwatch/monitor@1"));
        assertEquals(List.of(true, false, false), enabled.get("pse-app9/overcharge-protection@1"));
        assertEquals(List.of(false, true, false), enabled.get("pse-app9/forced-internal-short@1"));
        assertEquals(List.of(false, false, true), enabled.get("pse-app9/external-short-cell@1"));
        assertEquals(List.of(false, false, true), enabled.get("pse-app9/external-short-pack@1"));
        assertEquals(List.of(true, true, false), enabled.get("ort/cycling@1"));
    }

    @Test
    void shouldCarryTheSeedValuesWhenTheShippedProceduresAreResolved() {
        // 3-(11): 4.25 V; 3-(10) stage 5: 50 mV, 800 N / 400 N prismatic; 3-(1): 20%, 24 h, 55 C cells, 20 C packs,
        // 1 h after the current stopped (packs).
        assertEquals(4.25, LIB.procedure("pse-app9/overcharge-protection", 1).parameters().upperChargeVoltageLimit);
        final RuleParameters press = LIB.resolve("pse-app9/forced-internal-short", 1, CellForm.CYLINDRICAL, Map.of());
        assertEquals(0.050, press.voltageDropThreshold);
        assertEquals(VoltageDropRule.MODE_BASELINE, press.voltageDropMode);
        assertEquals(800.0, press.voltageDropForceLimit);
        assertEquals(400.0, LIB.resolve("pse-app9/forced-internal-short", 1, CellForm.PRISMATIC, Map.of()).voltageDropForceLimit);
        final RuleParameters cell = LIB.procedure("pse-app9/external-short-cell", 1).parameters();
        assertEquals(0.20, cell.temperatureReturnFraction);
        assertEquals(86_400_000_000L, cell.temperatureReturnTimeCapMicros);
        assertEquals(55.0, cell.temperatureReturnAmbient);
        assertEquals(0L, cell.temperatureReturnCurrentStopCapMicros);
        final RuleParameters pack = LIB.procedure("pse-app9/external-short-pack", 1).parameters();
        assertEquals(20.0, pack.temperatureReturnAmbient);
        assertEquals(3_600_000_000L, pack.temperatureReturnCurrentStopCapMicros);
        // a procedure without a press has no force limit, whatever the cell form
        assertTrue(Double.isNaN(LIB.resolve("ort/cycling", 1, CellForm.PRISMATIC, Map.of()).voltageDropForceLimit));
    }

    @Test
    void shouldRefuseAnUnknownProcedureNamingItAndTheKnownOnes() {
        // Only version 1 is shipped: a rig asking for @2 gets told which versions exist, not a silent fallback.
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> LIB.procedure("pse-app9/forced-internal-short", 2));
        assertMessageNames(e, "'pse-app9/forced-internal-short@2'", "pse-app9/forced-internal-short@1");
        assertThrows(IllegalArgumentException.class,
            () -> LIB.resolve("nope", 1, CellForm.POUCH, Map.of()));
    }

    @Test
    void shouldApplyOverridesOverTheProcedureAndTheCellFormWhenResolving() {
        // Order: procedure, then the force limit of the cell form, then the rig's overrides.
        final RuleParameters p = LIB.resolve(new ChannelDeclaration(3, "press-01/ch03", "SN1", "LOT1",
            "pse-app9/forced-internal-short", 1, CellForm.PRISMATIC, 2.5,
            Map.of("voltage-drop.force-limit", 350.0, "voltage-drop.threshold", 0.040)));
        assertEquals(350.0, p.voltageDropForceLimit);
        assertEquals(0.040, p.voltageDropThreshold);
        final RuleParameters hv = LIB.resolve("ort/cycling", 1, CellForm.CYLINDRICAL, Map.of("upperChargeVoltage", 4.35));
        assertEquals(4.35, hv.upperChargeVoltageLimit);
        // the procedure itself is untouched: the next channel of the same procedure gets the shipped values
        assertEquals(4.25, LIB.procedure("ort/cycling", 1).parameters().upperChargeVoltageLimit);
        assertEquals(0.050, LIB.procedure("pse-app9/forced-internal-short", 1).parameters().voltageDropThreshold);
    }

    @Test
    void shouldRefuseOverridesThatWouldSneakInAnInvalidValue() {
        // Each of these would weaken or switch off a stop condition; each is refused, naming the parameter and the
        // value, and leaves the shipped procedure as it was.
        final Map<String, Double> bad = new HashMap<>();
        bad.put("upperChargeVoltage", 42.0);
        bad.put("upper-charge-voltage.hysteresis", 5.0);
        bad.put("voltage-drop.threshold", -0.05);
        bad.put("voltage-drop.force-limit", Double.NaN); // NaN = "no force limit"
        bad.put("voltage-drop.window", 0.0);
        bad.put("voltage-drop.mode", 0.5);
        bad.put("voltage-drop.enabled", 2.0);
        bad.put("temperature-return.fraction", 1.0);
        bad.put("temperature-return.time-cap", 3_000_000.0); // 35 days: beyond the 30-day bound of the caps
        bad.put("data-quality.voltage-min", 20.0); // above voltage-max (10 V): every reading "implausible"
        for (Map.Entry<String, Double> o : bad.entrySet()) {
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LIB.resolve("ort/cycling", 1, CellForm.CYLINDRICAL, Map.of(o.getKey(), o.getValue())), o.toString());
            final String name = o.getKey().equals("upperChargeVoltage") ? "upper-charge-voltage.limit" : o.getKey();
            assertMessageNames(e, name);
            assertMessageNames(e, String.valueOf(o.getValue()));
        }
        final RuleParameters shipped = LIB.procedure("ort/cycling", 1).parameters();
        assertEquals(4.25, shipped.upperChargeVoltageLimit);
        assertEquals(0.050, shipped.voltageDropThreshold);
    }

    @Test
    void shouldRefuseAnUnknownParameterInAProcedureFile() {
        // A typo in a shipped file would otherwise leave the default in place without anyone noticing.
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> parse(oneProcedure("\"voltage-drop.treshold\": 0.05", "")));
        assertMessageNames(e, "'voltage-drop.treshold'");
    }

    @Test
    void shouldRefuseABadValueInAProcedureFileNamingTheParameterAndTheValue() {
        // The file is read with the same setters as overrides, so it gets the same message: parameter and value.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> parse(oneProcedure("\"voltage-drop.threshold\": \"fifty\"", "")));
        assertMessageNames(e, "'voltage-drop.threshold'", "'fifty'");
        e = assertThrows(IllegalArgumentException.class,
            () -> parse(oneProcedure("\"voltage-drop.mode\": \"rolling\"", "")));
        assertMessageNames(e, "'voltage-drop.mode'", "'rolling'");
    }

    @Test
    void shouldRefuseAnOutOfRangeValueInAProcedureFileNamingTheParameterAndTheValue() {
        // A fraction of 1.5 could never fire and a 0 V limit always would: the library must not load either.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> parse(oneProcedure("\"temperature-return.fraction\": 1.5", "")));
        assertMessageNames(e, "temperature-return.fraction", "1.5");
        e = assertThrows(IllegalArgumentException.class,
            () -> parse(oneProcedure("\"upper-charge-voltage.limit\": 0", "")));
        assertMessageNames(e, "upper-charge-voltage.limit", "got 0.0");
    }

    @Test
    void shouldRefuseAnInvalidForceLimitByCellFormInAProcedureFile() {
        // The force limits by cell form are parameters too: a negative or non-numeric one must fail when the
        // library is loaded, not at the first declaration of a prismatic cell.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> parse(oneProcedure("", ", \"force-limit-by-cell-form\": {\"PRISMATIC\": -400}")));
        assertMessageNames(e, "voltage-drop.force-limit", "-400", "PRISMATIC");
        e = assertThrows(IllegalArgumentException.class,
            () -> parse(oneProcedure("", ", \"force-limit-by-cell-form\": {\"PRISMATIC\": \"high\"}")));
        assertMessageNames(e, "voltage-drop.force-limit", "high");
        e = assertThrows(IllegalArgumentException.class,
            () -> parse(oneProcedure("", ", \"force-limit-by-cell-form\": {\"ROUND\": 800}")));
        assertMessageNames(e, "ROUND");
    }

    @Test
    void shouldRefuseALibraryWhenAProcedureIsDefinedTwice() throws IOException {
        // A released procedure is never changed; a second entry with the same id and version would make it
        // ambiguous which limits a channel runs with.
        final String entry = "{\"id\": \"test/p\", \"version\": 1, \"parameters\": {\"voltage-drop.enabled\": true}}";
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> parse("{\"procedures\": [" + entry + ", " + entry + "]}"));
        assertMessageNames(e, "test/p@1", "twice");
        // the same id with another version is a new procedure version, and fine
        final ProcedureLibrary two = parse("{\"procedures\": [" + entry + ", "
            + entry.replace("\"version\": 1", "\"version\": 2") + "]}");
        assertEquals(List.of("test/p@1", "test/p@2"), List.copyOf(two.procedures().keySet()));
    }

    @Test
    void shouldRefuseAnEntryWithoutIdOrVersion() {
        // Channels name procedures as id@version, versions start at 1: an entry without them could not be selected.
        assertThrows(IllegalArgumentException.class,
            () -> parse("{\"procedures\": [{\"version\": 1, \"parameters\": {}}]}"));
        assertThrows(IllegalArgumentException.class,
            () -> parse("{\"procedures\": [{\"id\": \"test/p\", \"version\": 0, \"parameters\": {}}]}"));
    }

    @Test
    void shouldRefuseAnEntryWithAnUnknownKeyOrAFractionalVersion() {
        // "parameter" for "parameters" would silently give a procedure with every rule off.
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(
            "{\"procedures\": [{\"id\": \"test/p\", \"version\": 1, \"parameter\": {\"voltage-drop.enabled\": true}}]}"));
        assertMessageNames(e, "parameter", "test/p");
        assertThrows(IllegalArgumentException.class,
            () -> parse("{\"procedures\": [{\"id\": \"test/p\", \"version\": 1.5, \"parameters\": {}}]}"));
    }

    @Test
    void shouldDisableTheUpperChargeVoltageRuleWhenAProcedureDoesNotNameIt() throws IOException {
        // A procedure enables exactly the rules it names (RuleParameters alone enables the upper charge voltage).
        final TestProcedure p = parse(oneProcedure("\"temperature-return.enabled\": true", "")).procedure("test/p", 1);
        assertFalse(p.parameters().upperChargeVoltageEnabled);
        assertFalse(p.parameters().voltageDropEnabled);
        assertTrue(p.parameters().temperatureReturnEnabled);
    }
}
