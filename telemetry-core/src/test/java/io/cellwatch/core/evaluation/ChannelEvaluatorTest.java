package io.cellwatch.core.evaluation;

import static io.cellwatch.core.evaluation.SampleFrame.NONE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import io.cellwatch.core.alert.Alert;
import io.cellwatch.core.alert.AlertClass;
import io.cellwatch.core.alert.AlertIds;
import io.cellwatch.core.alert.StopAction;
import io.cellwatch.core.model.CellForm;
import io.cellwatch.core.model.ChannelDeclaration;
import io.cellwatch.core.model.MarkType;
import io.cellwatch.core.procedure.ProcedureLibrary;
import io.cellwatch.core.rules.RuleParameters;
import io.cellwatch.core.rules.TemperatureReturnRule;
import io.cellwatch.core.rules.UpperChargeVoltageRule;
import io.cellwatch.core.rules.VoltageDropRule;

/**
 * The evaluator as the job and the replay tool drive it: SAMPLES frames built the way a rig encodes them, marks,
 * and the passing of wall-clock time. The rig's clock runs {@link #RIG_BEHIND} behind the wall clock in these tests,
 * so that an alert's sample time (rig) and its detection time (wall) cannot be confused.
 */
class ChannelEvaluatorTest {
    private static final String CHANNEL = "press-01/ch03";
    private static final String RIG = "press-01";
    private static final long T0 = 1_767_225_600_000_000L; // rig time, us: 2026-01-01T00:00:00Z
    private static final long MS = 1_000L;
    private static final long S = 1_000_000L;
    private static final long H = 3_600 * S;
    private static final long RIG_BEHIND = 2_500 * MS;

    private final ChannelEvaluator evaluator = ChannelEvaluator.withBuiltInLibrary();
    private final List<Alert> alerts = new ArrayList<>();

    /** Wall-clock time at which a sample taken at rig time {@code t} arrives. */
    private static long wall(final long t) {
        return t + RIG_BEHIND;
    }

    private ChannelState declared(final String procedure, final CellForm form, final Map<String, Double> overrides) {
        final ChannelState s = evaluator.newState(CHANNEL, RIG);
        final String problem = evaluator.declare(s, new ChannelDeclaration(3, CHANNEL, "SN-0042", "LOT-7", procedure, 1,
            form, 2.5, overrides), RIG);
        assertNull(problem);
        return s;
    }

    /** Evaluates one frame that arrives when its newest sample is {@link #RIG_BEHIND} old. */
    private void feed(final ChannelState s, final SampleFrame frame, final long newestSample) {
        evaluator.samples(s, frame.build(1), wall(newestSample), alerts::add);
    }

    /** One sample with a voltage only, at rest. */
    private void sample(final ChannelState s, final long t, final float v) {
        feed(s, new SampleFrame().add(t, v, 0f), t);
    }

    private List<Alert> alerts(final String rule) {
        return alerts.stream().filter(a -> a.rule().equals(rule)).collect(Collectors.toList());
    }

    // ------------------------------------------------------------------ declaration

    @Test
    void shouldUseTheMonitorProcedureWhenAChannelWasNeverDeclared() {
        // Records of an undeclared channel are still evaluated (a rig may stream before its CHANNEL is replayed):
        // with cellwatch/monitor@1, i.e. the upper charge voltage at 4.25 V and the silence check only.
        final ChannelState s = evaluator.newState(CHANNEL, RIG);
        final RuleParameters monitor = ProcedureLibrary.builtIn().procedure("cellwatch/monitor", 1).parameters();
        assertFalse(s.declared);
        assertTrue(s.parameters.upperChargeVoltageEnabled);
        assertFalse(s.parameters.voltageDropEnabled);
        assertFalse(s.parameters.temperatureReturnEnabled);
        assertEquals(monitor.upperChargeVoltageLimit, s.parameters.upperChargeVoltageLimit);
        assertEquals(monitor.silentAfterMicros, s.parameters.silentAfterMicros);
        assertTrue(s.parameters != monitor, "a channel's parameters must be its own copy");

        sample(s, T0, 4.20f);
        sample(s, T0 + S, 4.26f);
        assertEquals(1, alerts.size());
        final Alert a = alerts.get(0);
        assertEquals(UpperChargeVoltageRule.ID, a.rule());
        assertEquals(4.25, a.threshold());
        assertEquals(RIG, a.rigId());
        assertEquals(CHANNEL, a.channelId());
    }

    @Test
    void shouldReturnAMessageNamingTheProcedureWhenItIsUnknown() {
        // A misspelt procedure must be reported (ERROR frame, dead letter), never replaced by a silent default.
        final ChannelState s = evaluator.newState(CHANNEL, RIG);
        final RuleParameters before = s.parameters;
        final String problem = evaluator.declare(s, new ChannelDeclaration(3, CHANNEL, "SN", "LOT",
            "pse-app9/forced-internal-shortt", 1, CellForm.CYLINDRICAL, 2.5, Map.of()), RIG);
        assertNotNull(problem);
        assertTrue(problem.contains("'pse-app9/forced-internal-shortt@1'"), problem);
        // the channel keeps what it had: still undeclared, still monitored with the defaults
        assertFalse(s.declared);
        assertSame(before, s.parameters);
        assertEquals(ChannelEvaluator.DEFAULT_PROCEDURE_ID, s.procedureId, "alerts name the procedure it runs with");
    }

    @Test
    void shouldApplyTheOverridesIncludingTheProtocolAliasWhenDeclared() {
        // A high-voltage cell on an ORT rack: the rig overrides the upper charge voltage with the v1 name.
        final ChannelState s = declared("ort/cycling", CellForm.CYLINDRICAL,
            Map.of("upperChargeVoltage", 4.35, "voltage-drop.threshold", 0.040));
        assertEquals(4.35, s.parameters.upperChargeVoltageLimit);
        assertEquals(0.040, s.parameters.voltageDropThreshold);
        sample(s, T0, 4.30f); // above 4.25 V but below the cell's 4.35 V
        assertEquals(List.of(), alerts);
        sample(s, T0 + S, 4.36f);
        assertEquals(1, alerts.size());
        final Alert a = alerts.get(0);
        assertEquals(4.35, a.threshold());
        // the alert carries the declared identity (traceability: cell serial and lot, procedure and version)
        assertEquals("SN-0042", a.cellSerial());
        assertEquals("LOT-7", a.lot());
        assertEquals("ort/cycling", a.procedureId());
        assertEquals(1, a.procedureVersion());
    }

    @Test
    void shouldKeepThePreviousParametersWhenAnOverrideIsInvalid() {
        // 42 V is out of range (<= 10 V): the refused re-declaration must not leave the channel without its 4.35 V.
        final ChannelState s = declared("ort/cycling", CellForm.CYLINDRICAL, Map.of("upperChargeVoltage", 4.35));
        final String problem = evaluator.declare(s, new ChannelDeclaration(3, CHANNEL, "SN-0042", "LOT-7",
            "ort/cycling", 1, CellForm.CYLINDRICAL, 2.5, Map.of("upperChargeVoltage", 42.0)), RIG);
        assertNotNull(problem);
        assertTrue(problem.contains("upper-charge-voltage.limit") && problem.contains("42.0"), problem);
        assertEquals(4.35, s.parameters.upperChargeVoltageLimit);
    }

    // ------------------------------------------------------------------ alert fields per rule

    @Test
    void shouldDescribeTheOverVoltageWhenTheUpperChargeVoltageRuleFires() {
        // 4.2501 V > 4.25 V on the monitor procedure: a safety stop whose figures say which reading crossed which limit.
        final ChannelState s = evaluator.newState(CHANNEL, RIG);
        sample(s, T0, 4.2501f);
        final Alert a = alerts.get(0);
        assertEquals(AlertClass.SAFETY, a.alertClass());
        assertEquals(StopAction.STOP, a.action());
        assertEquals(T0, a.sampleTimeMicros());
        assertEquals(wall(T0), a.detectedAtMicros());
        assertEquals(4.2501, a.value()); // the rig's reading as its decimal, not 4.250100135803223
        assertTrue(Double.isNaN(a.reference())); // a fixed limit has no reference
        assertEquals(4.25, a.threshold());
        assertEquals("V", a.unit());
        assertEquals("over-limit", a.trigger());
        assertFalse(a.acknowledged());
    }

    @Test
    void shouldDescribeTheDropWhenTheVoltageDropRuleFiresOnTheVoltage() {
        // 4.000 V at the press start, 3.950 V two seconds later: exactly 50 mV below the baseline, so it fires there.
        final ChannelState s = declared("pse-app9/forced-internal-short", CellForm.CYLINDRICAL, Map.of());
        evaluator.mark(s, MarkType.PRESS_START, T0, wall(T0));
        sample(s, T0, 4.000f);
        sample(s, T0 + S, 3.975f);
        sample(s, T0 + 2 * S, 3.950f);
        assertEquals(1, alerts.size());
        final Alert a = alerts.get(0);
        assertEquals(VoltageDropRule.ID, a.rule());
        assertEquals(AlertClass.SAFETY, a.alertClass());
        assertEquals(StopAction.STOP, a.action());
        assertEquals("drop", a.trigger());
        assertEquals(T0 + 2 * S, a.sampleTimeMicros());
        assertEquals(3.950, a.value(), 1e-6); // the reading (an f32: 3.950 to within its precision)
        assertEquals(4.000, a.reference()); // the baseline
        assertEquals(4.000 - 0.050, a.threshold(), 1e-12); // the voltage at which it fires: baseline - 50 mV
        assertEquals("V", a.unit());
    }

    @Test
    void shouldSayForceWhenTheForceLimitStopsThePress() {
        // A prismatic cell declared with the forced-internal-short procedure gets 400 N, reached before 50 mV of drop.
        final ChannelState s = declared("pse-app9/forced-internal-short", CellForm.PRISMATIC, Map.of());
        evaluator.mark(s, MarkType.PRESS_START, T0, wall(T0));
        feed(s, new SampleFrame()
            .add(T0, 4.000f, 0f, NONE, NONE, 0f)
            .add(T0 + S, 3.990f, 0f, NONE, NONE, 399f)
            .add(T0 + 2 * S, 3.985f, 0f, NONE, NONE, 400f) // prismatic: 400 N
            .add(T0 + 3 * S, 3.900f, 0f, NONE, NONE, 420f), T0 + 3 * S);
        assertEquals(1, alerts.size()); // one per pressing phase: the drop at T0 + 3 s is the same phase
        final Alert a = alerts.get(0);
        assertEquals("force", a.trigger());
        assertEquals(T0 + 2 * S, a.sampleTimeMicros());
        assertEquals(400.0, a.value());
        assertEquals(400.0, a.threshold());
        assertEquals("N", a.unit());
        // value, reference and threshold share one unit: a baseline in V cannot be the reference of a force in N
        assertTrue(Double.isNaN(a.reference()), "reference " + a.reference());
        assertTrue(a.reason().contains("4.0000 V"), a.reason()); // the baseline is in the reason instead
    }

    private ChannelState externalShortCell() {
        final ChannelState s = declared("pse-app9/external-short-cell", CellForm.CYLINDRICAL, Map.of());
        evaluator.mark(s, MarkType.SHORT_APPLIED, T0, wall(T0));
        return s;
    }

    /** Cell temperatures one per minute from T0 (no ambient sensor: the procedure's 55 C applies). */
    private void temperatures(final ChannelState s, final float... celsius) {
        final SampleFrame f = new SampleFrame();
        for (int i = 0; i < celsius.length; i++) {
            f.add(T0 + i * 60 * S, 4.0f, 0f, celsius[i], NONE, NONE);
        }
        feed(s, f, T0 + (celsius.length - 1) * 60 * S);
    }

    @Test
    void shouldDescribeTheReturnWhenTheTemperatureFallsTo20PercentOfItsPeak() {
        final ChannelState s = externalShortCell();
        temperatures(s, 55f, 85f, 75f, 61.5f, 61f, 58f); // dT 0, 30, 20, 6.5, 6 (= 20% of 30 K), 3
        assertEquals(1, alerts.size());
        final Alert a = alerts.get(0);
        assertEquals(TemperatureReturnRule.ID, a.rule());
        assertEquals(AlertClass.PROCEDURE, a.alertClass()); // the test is complete, not a hazard
        assertEquals(StopAction.END, a.action());
        assertEquals(T0 + 4 * 60 * S, a.sampleTimeMicros());
        assertEquals(6.0, a.value());
        assertEquals(30.0, a.reference()); // the peak dT
        assertEquals(6.0, a.threshold());
        assertEquals("K", a.unit());
        assertEquals("returned-to-0.20-of-peak", a.trigger());
        assertTrue(a.reason().contains("fallen to 20% of its maximum"), a.reason());
    }

    @Test
    void shouldRecordTheReadingWhenTheFractionIs0point80() {
        // The other standards' "declined BY 20%" (fraction 0.80): fires at 79 C (dT 24 K = 80% of 30 K), earlier,
        // and the alert says which reading it applied so that two results are never confused.
        final ChannelState s = declared("pse-app9/external-short-cell", CellForm.CYLINDRICAL,
            Map.of("temperature-return.fraction", 0.80));
        evaluator.mark(s, MarkType.SHORT_APPLIED, T0, wall(T0));
        temperatures(s, 55f, 85f, 79f, 61.5f, 61f, 58f);
        assertEquals(1, alerts.size());
        final Alert a = alerts.get(0);
        assertEquals(T0 + 2 * 60 * S, a.sampleTimeMicros());
        assertEquals(24.0, a.value());
        assertEquals(24.0, a.threshold());
        assertEquals("returned-to-0.80-of-peak", a.trigger());
        assertTrue(a.reason().contains("declined by 20% from its maximum"), a.reason());
    }

    // ------------------------------------------------------------------ the caps without samples

    /** The short of a cell from T0, peaking at 25 K, with samples for its first 60 s only. */
    private ChannelState cellShortThenSilence() {
        final ChannelState s = externalShortCell();
        final SampleFrame f = new SampleFrame();
        for (int i = 0; i <= 60; i++) {
            f.add(T0 + i * S, 4.0f, 0f, i <= 30 ? 55f + i * (25f / 30f) : 80f, NONE, NONE);
        }
        feed(s, f, T0 + 60 * S);
        return s;
    }

    @Test
    void shouldEndTheShortAt24hWhenNoMoreSamplesArrive() {
        // The rig stopped sending (the cell's temperature never came back within 20%): the 24 h cap must still end
        // the test. Rig time is estimated as the newest sample's time plus the wall time since it arrived.
        final ChannelState s = cellShortThenSilence();
        final long capWall = wall(T0 + 60 * S) + 24 * H - 60 * S; // when the estimate reaches T0 + 24 h
        evaluator.time(s, capWall - 1, alerts::add);
        assertEquals(List.of(), alerts(TemperatureReturnRule.ID));
        evaluator.time(s, capWall, alerts::add);
        final List<Alert> capped = alerts(TemperatureReturnRule.ID);
        assertEquals(1, capped.size());
        final Alert a = capped.get(0);
        assertEquals("time-cap", a.trigger());
        assertEquals(T0 + 24 * H, a.sampleTimeMicros()); // exactly the cap, in rig time
        assertEquals(capWall, a.detectedAtMicros());
        assertEquals(AlertIds.of(CHANNEL, TemperatureReturnRule.ID, T0 + 24 * H), a.alertId());
        assertEquals(25.0, a.reference(), 1e-5); // peak dT
        assertEquals(25.0, a.value(), 1e-5); // the last dT seen
        assertTrue(Double.isNaN(a.threshold()));
        assertEquals("K", a.unit());
        // once
        evaluator.time(s, capWall + H, alerts::add);
        assertEquals(1, alerts(TemperatureReturnRule.ID).size());
    }

    @Test
    void shouldGiveTheSameTimeCapAlertWhenASamplePastTheCapArrivesInsteadOfTheTimer() {
        // The same run, but the timer did not run (replay as fast as possible, or a job restart) and a sample at
        // 25 h arrives: the alert must be the same one (same id, same sample time), so repeats are recognised.
        final ChannelState viaTimer = cellShortThenSilence();
        evaluator.time(viaTimer, wall(T0 + 60 * S) + 24 * H, alerts::add);
        final Alert timer = alerts(TemperatureReturnRule.ID).get(0);
        alerts.clear();

        final ChannelState viaSample = cellShortThenSilence();
        feed(viaSample, new SampleFrame().add(T0 + 25 * H, 4.0f, 0f, 56f, NONE, NONE), T0 + 25 * H);
        assertEquals(1, alerts.size());
        final Alert sample = alerts.get(0);
        assertEquals(timer.alertId(), sample.alertId());
        assertEquals(T0 + 24 * H, sample.sampleTimeMicros());
        assertEquals(timer.trigger(), sample.trigger());
        assertEquals(timer.value(), sample.value());
        assertEquals(timer.reference(), sample.reference());
    }

    /** A pack's short: 30 A flows for 10 s, then the protection element opens. */
    private ChannelState packShortWithCurrent(final float currentAfter10s) {
        final ChannelState s = declared("pse-app9/external-short-pack", CellForm.PRISMATIC, Map.of());
        evaluator.mark(s, MarkType.SHORT_APPLIED, T0, wall(T0));
        final SampleFrame f = new SampleFrame();
        for (int i = 0; i <= 20; i++) {
            f.add(T0 + i * S, 3.0f, i < 10 ? 30f : currentAfter10s, 20f + i, NONE, NONE);
        }
        feed(s, f, T0 + 20 * S);
        return s;
    }

    @Test
    void shouldEndAPacksShortOneHourAfterTheCurrentStoppedWhenNoMoreSamplesArrive() {
        // Current below 0.1 A at T0 + 10 s, after it flowed: the pack criterion ends the test at T0 + 10 s + 1 h.
        final ChannelState s = packShortWithCurrent(0.05f);
        final long seen = wall(T0 + 20 * S);
        final long capWall = seen + H - 10 * S; // rig-time estimate T0 + 20 s + (1 h - 10 s)
        assertEquals(seen + 60 * S, evaluator.nextWakeUp(s)); // the silence check comes first
        evaluator.time(s, capWall - 1, alerts::add);
        assertEquals(List.of(), alerts(TemperatureReturnRule.ID));
        assertEquals(capWall, evaluator.nextWakeUp(s)); // silence has been raised; the cap is what is left
        evaluator.time(s, capWall, alerts::add);
        final List<Alert> capped = alerts(TemperatureReturnRule.ID);
        assertEquals(1, capped.size());
        assertEquals("current-stop-cap", capped.get(0).trigger());
        assertEquals(T0 + 10 * S + H, capped.get(0).sampleTimeMicros());
        assertEquals(StopAction.END, capped.get(0).action());
    }

    @Test
    void shouldEndAPacksShortOneHourAfterACurrentStoppedMarkWhenNoMoreSamplesArrive() {
        // The rig reports the protection element's trip as a mark (its current reading stays at 30 A, e.g. a
        // sensor upstream of the element): the hour counts from the mark.
        final ChannelState s = packShortWithCurrent(30f);
        evaluator.mark(s, MarkType.CURRENT_STOPPED, T0 + 20 * S, wall(T0 + 20 * S));
        final long capWall = wall(T0 + 20 * S) + H;
        evaluator.time(s, capWall - 1, alerts::add);
        assertEquals(List.of(), alerts(TemperatureReturnRule.ID));
        evaluator.time(s, capWall, alerts::add);
        final List<Alert> capped = alerts(TemperatureReturnRule.ID);
        assertEquals(1, capped.size());
        assertEquals("current-stop-cap", capped.get(0).trigger());
        assertEquals(T0 + 20 * S + H, capped.get(0).sampleTimeMicros());
    }

    @Test
    void shouldCountTheCapFromTheMarksRigTimeWhenTheMarkArrivesLongAfterTheLastSample() {
        // The last sample is at T0 + 20 s; the CURRENT_STOPPED mark, stamped T0 + 10 min, arrives 10 min later and
        // nothing follows. The rig's clock must be estimated from the newest record (the mark), else the cap would
        // fire 9 min 40 s late.
        final ChannelState s = packShortWithCurrent(30f);
        evaluator.mark(s, MarkType.CURRENT_STOPPED, T0 + 600 * S, wall(T0 + 600 * S));
        final long capWall = wall(T0 + 600 * S) + H;
        evaluator.time(s, capWall - 1, alerts::add);
        assertEquals(List.of(), alerts(TemperatureReturnRule.ID));
        evaluator.time(s, capWall, alerts::add);
        assertEquals(List.of(T0 + 600 * S + H), alerts(TemperatureReturnRule.ID).stream()
            .map(Alert::sampleTimeMicros).collect(Collectors.toList()));
    }

    @Test
    void shouldGiveTwoSilentEpisodesSeparatedOnlyByAMarkDistinctIds() {
        // Data, silence, then only a mark (no samples), silence again: two episodes, two alerts, two ids. Stamping
        // both with the last SAMPLE time would give them the same id, and downstream would drop the second.
        final ChannelState s = declared("cellwatch/monitor", CellForm.CYLINDRICAL, Map.of());
        sample(s, T0, 4.0f);
        evaluator.time(s, wall(T0) + 61 * S, alerts::add);
        evaluator.mark(s, MarkType.PRESS_START, T0 + 120 * S, wall(T0 + 120 * S));
        evaluator.time(s, wall(T0 + 120 * S) + 61 * S, alerts::add);
        final List<Alert> silent = alerts(DataQualityRules.SILENT);
        assertEquals(2, silent.size());
        assertEquals(List.of(T0, T0 + 120 * S), silent.stream().map(Alert::sampleTimeMicros).collect(Collectors.toList()));
        assertEquals(2, silent.stream().map(Alert::alertId).distinct().count());
    }

    // ------------------------------------------------------------------ ordering and data quality

    @Test
    void shouldEvaluateEverySampleWhenTimestampsRepeat() {
        // Real recordings repeat timestamps; a repeated timestamp is not time going back and is still evaluated.
        final ChannelState s = evaluator.newState(CHANNEL, RIG);
        feed(s, new SampleFrame().add(T0, 4.20f, 0f).add(T0, 4.26f, 0f).add(T0, 4.27f, 0f), T0);
        assertEquals(1, alerts.size());
        assertEquals(UpperChargeVoltageRule.ID, alerts.get(0).rule());
        assertEquals(T0, alerts.get(0).sampleTimeMicros());
        assertEquals(4.26, alerts.get(0).value());
    }

    @Test
    void shouldRaiseOneTimeBackwardsAlertAndContinueWhenTheRigClockJumpsBack() {
        final ChannelState s = evaluator.newState(CHANNEL, RIG);
        for (int i = 0; i < 10; i++) {
            sample(s, T0 + i * S, 4.10f);
        }
        // The rig's clock is corrected back by an hour; the channel goes on from there.
        final long back = T0 + 9 * S - H;
        for (int i = 0; i < 10; i++) {
            sample(s, back + i * S, i < 5 ? 4.10f : 4.30f);
        }
        final List<Alert> jumps = alerts(DataQualityRules.TIME_BACKWARDS);
        assertEquals(1, jumps.size());
        final Alert j = jumps.get(0);
        assertEquals(AlertClass.DATA_QUALITY, j.alertClass());
        assertEquals(StopAction.NOTIFY, j.action());
        assertEquals(back, j.sampleTimeMicros());
        assertEquals(-3600.0, j.value()); // seconds the clock went back
        assertEquals("s", j.unit());
        assertEquals("clock-jump", j.trigger());
        // evaluation continued on the new timeline
        final List<Alert> over = alerts(UpperChargeVoltageRule.ID);
        assertEquals(1, over.size());
        assertEquals(back + 5 * S, over.get(0).sampleTimeMicros());
    }

    @Test
    void shouldStillStopThePressWhenTheRigClockRestartsAtZeroDuringPressing() {
        // Real rigs restart their time at zero (a reboot, a new step file). The press started at T0 on the old
        // timeline; a drop after the restart (times near 0, far before T0) must still stop it, against the same
        // baseline: no rule may compare a new-timeline time with an old one.
        final ChannelState s = declared("pse-app9/forced-internal-short", CellForm.CYLINDRICAL, Map.of());
        evaluator.mark(s, MarkType.PRESS_START, T0, wall(T0));
        for (int i = 0; i <= 5; i++) {
            sample(s, T0 + i * S, 4.000f);
        }
        for (int k = 0; k < 10; k++) {
            sample(s, k * 100 * MS, (float) (3.990 - k * 0.010)); // 3.990 V at t = 0, 3.950 V at t = 400 ms
        }
        assertEquals(1, alerts(DataQualityRules.TIME_BACKWARDS).size());
        final List<Alert> drops = alerts(VoltageDropRule.ID);
        assertEquals(1, drops.size());
        assertEquals(400 * MS, drops.get(0).sampleTimeMicros());
        assertEquals(4.000, drops.get(0).reference());
    }

    @Test
    void shouldCountTheShortsDurationAcrossABackwardsJumpWhenTheCapIsChecked() {
        // The short began at T0; after 1 h the rig's clock restarts at 0. The 24 h are 24 h of short, so the cap
        // comes 23 h into the new timeline (no time is assumed to pass across the jump), not 24 h after T0 on it.
        final ChannelState s = externalShortCell();
        feed(s, new SampleFrame().add(T0, 4.0f, 0f, 55f, NONE, NONE).add(T0 + H, 4.0f, 0f, 80f, NONE, NONE), T0 + H);
        feed(s, new SampleFrame().add(0, 4.0f, 0f, 80f, NONE, NONE).add(H, 4.0f, 0f, 80f, NONE, NONE), H);
        assertEquals(List.of(), alerts(TemperatureReturnRule.ID));
        feed(s, new SampleFrame().add(23 * H + S, 4.0f, 0f, 80f, NONE, NONE), 23 * H + S);
        final List<Alert> capped = alerts(TemperatureReturnRule.ID);
        assertEquals(1, capped.size());
        assertEquals("time-cap", capped.get(0).trigger());
        assertEquals(23 * H, capped.get(0).sampleTimeMicros());
    }

    @Test
    void shouldRaiseOneInvalidValueAlertPerEpisodeAndNoSafetyAlertWhenTheVoltageIsImplausible() {
        // NaN, 42 V and -3 V are sensor faults or wrong scaling, not a cell at 42 V: one data-quality notice for the
        // episode, and the upper charge voltage rule (which 42 V would trip) does not see them.
        final ChannelState s = evaluator.newState(CHANNEL, RIG);
        feed(s, new SampleFrame().add(T0, Float.NaN, 0f).add(T0 + S, 42f, 0f).add(T0 + 2 * S, -3f, 0f), T0 + 2 * S);
        assertEquals(1, alerts.size());
        final Alert a = alerts.get(0);
        assertEquals(DataQualityRules.INVALID_VALUE, a.rule());
        assertEquals(AlertClass.DATA_QUALITY, a.alertClass());
        assertEquals(StopAction.NOTIFY, a.action());
        assertEquals(T0, a.sampleTimeMicros());
        assertTrue(Double.isNaN(a.value()));
        assertEquals("V", a.unit());
        assertEquals("voltage", a.trigger());
        // a plausible reading ends the episode; the next implausible one is a new episode
        sample(s, T0 + 3 * S, 4.0f);
        sample(s, T0 + 4 * S, 42f);
        assertEquals(2, alerts(DataQualityRules.INVALID_VALUE).size());
        assertEquals(42.0, alerts.get(1).value());
        assertEquals(List.of(), alerts(UpperChargeVoltageRule.ID));
    }

    @Test
    void shouldTreatPlusAndMinusInfinityAsInvalidVoltagesAndNeverAsAStop() {
        // +Infinity is above every limit and -Infinity would be an endless drop: both are sensor faults, one notice
        // per episode each, and neither the upper charge voltage rule nor the drop rule sees them.
        final ChannelState s = evaluator.newState(CHANNEL, RIG);
        sample(s, T0, 4.0f);
        sample(s, T0 + S, Float.POSITIVE_INFINITY);
        sample(s, T0 + 2 * S, 4.0f);
        sample(s, T0 + 3 * S, Float.NEGATIVE_INFINITY);
        final List<Alert> invalid = alerts(DataQualityRules.INVALID_VALUE);
        assertEquals(2, invalid.size(), alerts.toString());
        assertEquals(Double.POSITIVE_INFINITY, invalid.get(0).value());
        assertEquals(Double.NEGATIVE_INFINITY, invalid.get(1).value());
        assertEquals(invalid, alerts, "no other alert: " + alerts);
    }

    @Test
    void shouldNotTakeAnImplausibleVoltageAsADropWhileTheForceLimitStillApplies() {
        // -3 V would be a 7 V "drop" from 4.0 V; it is a sensor fault, so only the data-quality notice. The force is
        // a separate sensor: 800 N in the same sample still stops the press.
        final ChannelState s = declared("pse-app9/forced-internal-short", CellForm.CYLINDRICAL, Map.of());
        sample(s, T0, 4.0f);
        feed(s, new SampleFrame().add(T0 + S, -3f, 0f, NONE, NONE, 100f), T0 + S);
        assertEquals(List.of(), alerts(VoltageDropRule.ID));
        assertEquals(1, alerts(DataQualityRules.INVALID_VALUE).size());
        feed(s, new SampleFrame().add(T0 + 2 * S, Float.NaN, 0f, NONE, NONE, 800f), T0 + 2 * S);
        assertEquals(1, alerts(VoltageDropRule.ID).size());
        assertEquals("force", alerts(VoltageDropRule.ID).get(0).trigger());
    }

    @Test
    void shouldRaiseOneSilenceAlertPerEpisodeAfterTheSilentAfterTime() {
        // cellwatch/monitor@1: silent after 60 s. Measured on the wall clock: no data is no data, whatever the rig's
        // clock says.
        final ChannelState s = evaluator.newState(CHANNEL, RIG);
        sample(s, T0, 4.0f);
        final long seen = wall(T0);
        assertEquals(seen + 60 * S, evaluator.nextWakeUp(s));
        assertEquals(seen + 60 * S, evaluator.time(s, seen + 60 * S - 1, alerts::add));
        assertEquals(List.of(), alerts);
        assertEquals(Long.MAX_VALUE, evaluator.time(s, seen + 60 * S, alerts::add)); // raised: nothing left to check
        assertEquals(1, alerts.size());
        final Alert a = alerts.get(0);
        assertEquals(DataQualityRules.SILENT, a.rule());
        assertEquals(AlertClass.DATA_QUALITY, a.alertClass());
        assertEquals(StopAction.NOTIFY, a.action());
        assertEquals(T0, a.sampleTimeMicros()); // the newest sample: where the data stops
        assertEquals(60.0, a.value());
        assertEquals(60.0, a.threshold());
        assertEquals("s", a.unit());
        assertEquals("silent", a.trigger());
        // once per episode
        evaluator.time(s, seen + 600 * S, alerts::add);
        assertEquals(1, alerts.size());
        // new data clears it; the next silence is a new episode
        sample(s, T0 + 700 * S, 4.0f);
        assertEquals(wall(T0 + 700 * S) + 60 * S, evaluator.nextWakeUp(s));
        evaluator.time(s, wall(T0 + 700 * S) + 60 * S, alerts::add);
        assertEquals(2, alerts(DataQualityRules.SILENT).size());
        assertEquals(T0 + 700 * S, alerts.get(1).sampleTimeMicros());
    }

    @Test
    void shouldNotRaiseASilenceAlertWhenTheTestEnded() {
        // After TEST_END silence is expected; a RUN_START begins watching again.
        final ChannelState s = evaluator.newState(CHANNEL, RIG);
        sample(s, T0, 4.0f);
        evaluator.mark(s, MarkType.TEST_END, T0 + S, wall(T0 + S));
        assertEquals(Long.MAX_VALUE, evaluator.nextWakeUp(s));
        assertEquals(Long.MAX_VALUE, evaluator.time(s, wall(T0) + 24 * H, alerts::add));
        assertEquals(List.of(), alerts);
        evaluator.mark(s, MarkType.RUN_START, T0 + 25 * H, wall(T0 + 25 * H));
        assertEquals(wall(T0 + 25 * H) + 60 * S, evaluator.nextWakeUp(s));
    }

    @Test
    void shouldNotRaiseAnythingWhenNothingWasEverSeen() {
        // A channel never heard from has no "last seen": no silence, no caps, no wake-up.
        final ChannelState s = evaluator.newState(CHANNEL, RIG);
        assertEquals(Long.MAX_VALUE, evaluator.nextWakeUp(s));
        assertEquals(Long.MAX_VALUE, evaluator.time(s, wall(T0) + 24 * H, alerts::add));
        assertEquals(List.of(), alerts);
    }

    @Test
    void shouldWakeUpForTheEarliestOfSilenceAndTheCapsWhenAsked() {
        final ChannelState s = cellShortThenSilence();
        final long seen = wall(T0 + 60 * S);
        // silence (60 s after the last data) comes before the 24 h cap (24 h after T0, in rig time)
        assertEquals(seen + 60 * S, evaluator.nextWakeUp(s));
        evaluator.time(s, seen + 60 * S, alerts::add);
        assertEquals(1, alerts(DataQualityRules.SILENT).size());
        // then only the cap is left: the wall time at which the rig-time estimate reaches T0 + 24 h
        assertEquals(seen + 24 * H - 60 * S, evaluator.nextWakeUp(s));
        evaluator.time(s, seen + 24 * H - 60 * S, alerts::add);
        assertEquals(1, alerts(TemperatureReturnRule.ID).size());
        assertEquals(Long.MAX_VALUE, evaluator.nextWakeUp(s));
    }

    // ------------------------------------------------------------------ determinism

    private List<Alert> run(final long wallOffset) {
        final ChannelEvaluator e = ChannelEvaluator.withBuiltInLibrary();
        final List<Alert> out = new ArrayList<>();
        final ChannelState s = e.newState(CHANNEL, RIG);
        e.declare(s, new ChannelDeclaration(3, CHANNEL, "SN", "LOT", "ort/cycling", 1, CellForm.CYLINDRICAL, 2.5,
            Map.of()), RIG);
        final SampleFrame f = new SampleFrame();
        for (int i = 0; i < 100; i++) { // 10 s at rest: an over-voltage glitch, a soft short at 6 s, a NaN
            final float v = i == 5 ? 4.30f : i == 95 ? Float.NaN : i < 60 ? 3.700f : 3.600f;
            f.add(T0 + i * 100 * MS, v, 0f);
        }
        e.samples(s, f.build(1), wall(T0 + 10 * S) + wallOffset, out::add);
        e.time(s, wall(T0 + 10 * S) + wallOffset + 120 * S, out::add);
        return out;
    }

    @Test
    void shouldGiveTheSameAlertIdsWhenTheSameRunIsEvaluatedAgain() {
        // Alert ids derive from channel, rule and sample time only: a replay (at any speed: here an hour later on
        // the wall clock) or a re-processing after a failure gives the same ids, so repeats are dropped downstream.
        final List<Alert> first = run(0);
        final List<Alert> again = run(H);
        assertEquals(List.of(UpperChargeVoltageRule.ID, VoltageDropRule.ID, DataQualityRules.INVALID_VALUE,
            DataQualityRules.SILENT), first.stream().map(Alert::rule).collect(Collectors.toList()));
        assertEquals(first.stream().map(Alert::alertId).collect(Collectors.toList()),
            again.stream().map(Alert::alertId).collect(Collectors.toList()));
        for (Alert a : first) {
            assertEquals(AlertIds.of(CHANNEL, a.rule(), a.sampleTimeMicros()), a.alertId());
        }
    }
}
