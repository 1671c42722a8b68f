package io.cellwatch.replay.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.cellwatch.core.alert.Alert;
import io.cellwatch.core.codec.SamplesFlyweight;
import io.cellwatch.core.evaluation.DataQualityRules;
import io.cellwatch.core.model.CellForm;
import io.cellwatch.core.model.ChannelDeclaration;
import io.cellwatch.core.model.MarkType;
import io.cellwatch.core.procedure.ProcedureLibrary;
import io.cellwatch.core.rules.TemperatureReturnRule;
import io.cellwatch.core.rules.UpperChargeVoltageRule;
import io.cellwatch.core.rules.VoltageDropRule;
import io.cellwatch.replay.runfile.RunFileFormat;
import io.cellwatch.replay.runfile.RunFileReader;
import io.cellwatch.replay.runfile.RunFileWriter;

/** The offline evaluation on small hand-made run files: marks, arrival times, resends, time-driven checks. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RunEvaluatorTest {
    private static final long T0 = 1_767_225_600_000_000L; // 2026-01-01T00:00:00Z
    private static final long S = 1_000_000L;
    private static final long UNKNOWN = RunFileFormat.UNKNOWN_TIME;

    @TempDir
    Path dir;

    /** Writes a run file: one channel of {@code procedure}, then what {@code body} adds. */
    private Path file(final String name, final String procedure, final long declaredAt, final Body body)
        throws Exception {
        final Path f = dir.resolve(name);
        try (RunFileWriter w = RunFileWriter.create(f, T0)) {
            final int at = procedure.indexOf('@');
            w.channel(declaredAt, "rigT", 1, new ChannelDeclaration(0, "rigT/ch01", "SN-T", "LOT-T",
                procedure.substring(0, at), Integer.parseInt(procedure.substring(at + 1)), CellForm.CYLINDRICAL, 2.0,
                Map.of()));
            body.write(w);
        }
        return f;
    }

    @FunctionalInterface
    private interface Body {
        void write(RunFileWriter w) throws Exception;
    }

    /** A SAMPLES frame: samples at {@code seconds} after T0 with {@code volts}, 0.5 A, 80 C. */
    private static void samples(final RunFileWriter w, final long receivedAt, final long sequence,
                                final double[] seconds, final double[] volts) throws Exception {
        final ExpandableArrayBuffer b = new ExpandableArrayBuffer(64);
        SamplesFlyweight.encodeHeader(b, 0, sequence, 0, seconds.length);
        for (int i = 0; i < seconds.length; i++) {
            SamplesFlyweight.putSample(b, 0, i, T0 + Math.round(seconds[i] * S), (float) volts[i], 0.5f, 80f, Float.NaN,
                Float.NaN);
        }
        w.frame(receivedAt, "rigT", b, 0, SamplesFlyweight.frameLength(seconds.length));
    }

    private static EvaluationResult evaluate(final Path file, final RunEvaluator.Settings settings) throws Exception {
        try (RunFileReader reader = RunFileReader.open(file)) {
            return new RunEvaluator(ProcedureLibrary.builtIn(), settings).evaluate(reader);
        }
    }

    private static List<Alert> ofRule(final EvaluationResult r, final String rule) {
        return r.alerts().stream().filter(a -> a.rule().equals(rule)).toList();
    }

    private Path pressRun(final boolean withMark) throws Exception {
        return file(withMark ? "press-mark.cwrun" : "press.cwrun", "pse-app9/forced-internal-short@1", UNKNOWN, w -> {
            samples(w, UNKNOWN, 2, new double[] {0, 1, 2, 3, 4}, new double[] {4.0, 4.0, 4.0, 4.0, 4.0});
            if (withMark) {
                w.mark(UNKNOWN, "rigT", 3, 0, MarkType.PRESS_START, T0 + 5 * S);
            }
            samples(w, UNKNOWN, 4, new double[] {5, 6, 7, 8, 9}, new double[] {3.98, 3.96, 3.945, 3.94, 3.92});
        });
    }

    @Test
    void shouldTakeTheDropBaselineAtThePressStartMarkWhenTheFileHasOne() throws Exception {
        final List<Alert> withMark = ofRule(evaluate(pressRun(true), RunEvaluator.Settings.asDeclared()),
            VoltageDropRule.ID);
        assertEquals(1, withMark.size());
        assertEquals(T0 + 9 * S, withMark.get(0).sampleTimeMicros(), "3.98 - 3.92 V: the first 50 mV drop");
        assertEquals(3.98, withMark.get(0).reference(), 1e-6);

        // Without the mark the baseline is the run's first sample, 4.00 V: 3.945 V is already 55 mV below it.
        final List<Alert> noMark = ofRule(evaluate(pressRun(false), RunEvaluator.Settings.asDeclared()),
            VoltageDropRule.ID);
        assertEquals(T0 + 7 * S, noMark.get(0).sampleTimeMicros());
        assertEquals(4.0, noMark.get(0).reference(), 1e-6);
    }

    @Test
    void shouldRaiseSilenceOnlyWhenTheFileRecordsArrivalTimes() throws Exception {
        // overcharge-protection@1: silent after 10 s. The second frame arrives 29 s after the first.
        final Path live = file("live.cwrun", "pse-app9/overcharge-protection@1", T0, w -> {
            samples(w, T0 + 2 * S, 2, new double[] {0, 1, 2}, new double[] {4.0, 4.0, 4.0});
            samples(w, T0 + 31 * S, 3, new double[] {30, 31}, new double[] {4.0, 4.0});
        });
        final EvaluationResult r = evaluate(live, RunEvaluator.Settings.asDeclared());
        final List<Alert> silent = ofRule(r, DataQualityRules.SILENT);
        assertEquals(1, silent.size());
        assertEquals(T0 + 2 * S, silent.get(0).sampleTimeMicros(), "the last sample before the silence");
        assertEquals(T0 + 12 * S, silent.get(0).detectedAtMicros(), "10 s after the frame arrived");
        assertFalse(r.channels().get(0).silenceOff());

        final Path imported = file("imported.cwrun", "pse-app9/overcharge-protection@1", UNKNOWN, w -> {
            samples(w, UNKNOWN, 2, new double[] {0, 1, 2}, new double[] {4.0, 4.0, 4.0});
            samples(w, UNKNOWN, 3, new double[] {30, 31}, new double[] {4.0, 4.0});
        });
        final EvaluationResult i = evaluate(imported, RunEvaluator.Settings.asDeclared());
        assertEquals(List.of(), i.alerts());
        assertTrue(i.channels().get(0).silenceOff());
        // Asked for explicitly, the check judges the gaps between frames of the file.
        final EvaluationResult asked = evaluate(imported, new RunEvaluator.Settings(null, 0,
            Map.of("data-quality.silent-after", "20"), 0));
        assertEquals(1, ofRule(asked, DataQualityRules.SILENT).size());
    }

    @Test
    void shouldSkipRigResendsBySequenceNumberAsTheLiveJobDoes() throws Exception {
        final Path f = file("resend.cwrun", "pse-app9/overcharge-protection@1", UNKNOWN, w -> {
            samples(w, UNKNOWN, 2, new double[] {0, 1}, new double[] {4.2, 4.3});
            samples(w, UNKNOWN, 2, new double[] {0, 1}, new double[] {4.2, 4.3}); // resent after a reconnect
            samples(w, UNKNOWN, 3, new double[] {2}, new double[] {4.1});
        });
        final EvaluationResult r = evaluate(f, RunEvaluator.Settings.asDeclared());
        assertEquals(1, r.repeatsSkipped());
        assertEquals(3, r.samples());
        assertEquals(1, ofRule(r, UpperChargeVoltageRule.ID).size());
    }

    @Test
    void shouldRunTheTemperatureCapWithoutSamplesWhenTheClockRunsOnAfterTheLastRecord() throws Exception {
        // 80 C against the procedure's 55 C ambient: a 25 K rise that never returns; the cap is set to 60 s.
        final Path f = file("short.cwrun", "pse-app9/external-short-cell@1", UNKNOWN, w ->
            samples(w, UNKNOWN, 2, new double[] {0, 5, 10}, new double[] {3.0, 3.0, 3.0}));
        final Map<String, String> cap = Map.of("temperature-return.time-cap", "60");
        assertEquals(List.of(), evaluate(f, new RunEvaluator.Settings(null, 0, cap, 0)).alerts());

        final List<Alert> alerts = evaluate(f, new RunEvaluator.Settings(null, 0, cap, 120 * S)).alerts();
        assertEquals(1, alerts.size());
        assertEquals(TemperatureReturnRule.ID, alerts.get(0).rule());
        assertEquals("time-cap", alerts.get(0).trigger());
        assertEquals(T0 + 60 * S, alerts.get(0).sampleTimeMicros());
    }

    @Test
    void shouldGiveEqualAlertsIdsAndDetectionTimesWhenTheSameFileIsEvaluatedTwice() throws Exception {
        final Path f = pressRun(false);
        final RunEvaluator.Settings s = new RunEvaluator.Settings("ort/cycling", 1,
            Map.of("voltage-drop.mode", "baseline"), 0);
        assertEquals(evaluate(f, s).alerts(), evaluate(f, s).alerts());
        assertFalse(evaluate(f, s).alerts().isEmpty());
    }

    @Test
    void shouldUseTheGivenProcedureAndApplyTheSetsAfterTheDeclaredOverrides() throws Exception {
        final Path f = dir.resolve("override.cwrun");
        try (RunFileWriter w = RunFileWriter.create(f, T0)) {
            w.channel(UNKNOWN, "rigT", 1, new ChannelDeclaration(0, "rigT/ch01", "SN", "", "cellwatch/monitor", 1,
                CellForm.CYLINDRICAL, 1.0, Map.of("upperChargeVoltage", 4.40)));
            samples(w, UNKNOWN, 2, new double[] {0, 1, 2}, new double[] {4.30, 4.38, 4.45});
        }
        // The rig declared 4.40 V: only 4.45 V is over it.
        assertEquals(T0 + 2 * S, evaluate(f, RunEvaluator.Settings.asDeclared()).alerts().get(0).sampleTimeMicros());
        // --set wins over the declared override (also over its protocol-v1 alias).
        final Map<String, String> sets = new LinkedHashMap<>();
        sets.put("upper-charge-voltage.limit", "4.35");
        final EvaluationResult r = evaluate(f, new RunEvaluator.Settings("pse-app9/overcharge-protection", 1, sets,
            0));
        assertEquals(T0 + S, r.alerts().get(0).sampleTimeMicros());
        assertEquals("pse-app9/overcharge-protection", r.alerts().get(0).procedureId());
        assertEquals("cellwatch/monitor@1", r.channels().get(0).declaredProcedure());
        assertEquals("pse-app9/overcharge-protection@1", r.channels().get(0).evaluatedProcedure());
        assertEquals(4.35, r.channels().get(0).parameters().upperChargeVoltageLimit);
    }

    @Test
    void shouldFailNamingTheChannelWhenTheSetsMakeItsParametersInvalid() throws Exception {
        final Path f = pressRun(false);
        final RunEvaluator.EvaluationException e = assertThrows(RunEvaluator.EvaluationException.class,
            () -> evaluate(f, new RunEvaluator.Settings(null, 0, Map.of("upper-charge-voltage.hysteresis", "5"), 0)));
        assertTrue(e.getMessage().startsWith("channel rigT/ch01 cannot be evaluated with declared procedures; set "
            + "upper-charge-voltage.hysteresis=5: upper-charge-voltage.hysteresis must be within"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RunEvaluator.check(ProcedureLibrary.builtIn(),
            new RunEvaluator.Settings(null, 0, Map.of("voltage-drop.treshold", "0.04"), 0)));
        assertThrows(IllegalArgumentException.class, () -> RunEvaluator.check(ProcedureLibrary.builtIn(),
            new RunEvaluator.Settings("nope", 1, Map.of(), 0)));
    }

    @Test
    void shouldKeepThePreviousParametersAndSaySoWhenADeclarationCannotBeResolved() throws Exception {
        final Path f = file("unknown.cwrun", "lab/secret-procedure@3", UNKNOWN, w ->
            samples(w, UNKNOWN, 2, new double[] {0}, new double[] {4.3}));
        final EvaluationResult r = evaluate(f, RunEvaluator.Settings.asDeclared());
        assertEquals(1, r.problems().size());
        assertTrue(r.problems().get(0).contains("unknown test procedure 'lab/secret-procedure@3'"), r.problems().get(0));
        // As in the job, the channel is evaluated with cellwatch/monitor@1: 4.3 V is over its 4.25 V.
        assertEquals(1, ofRule(r, UpperChargeVoltageRule.ID).size());
    }
}
