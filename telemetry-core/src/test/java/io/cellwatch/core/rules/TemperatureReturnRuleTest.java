package io.cellwatch.core.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.cellwatch.core.model.CellForm;
import io.cellwatch.core.procedure.ProcedureLibrary;

/**
 * The external short end criterion of PSE Appendix 9, 3-(1): 24 h, or until T_cell - T_ambient has fallen to 20% of
 * its maximum, whichever is shorter; for packs also 1 h after the current stopped. Temperatures are passed as
 * {@code float}, widened, as {@code ChannelEvaluator} passes a sample's f32 fields; the values used are exact in f32
 * (whole or half degrees) unless a comment says otherwise.
 */
class TemperatureReturnRuleTest {
    private static final long T0 = 1_767_225_600_000_000L;
    private static final long S = 1_000_000L;
    private static final long H = 3_600 * S;
    private static final float NO_AMBIENT = Float.NaN;

    private final TemperatureReturnState s = new TemperatureReturnState();

    private static RuleParameters cell() {
        return ProcedureLibrary.builtIn().resolve("pse-app9/external-short-cell", 1, CellForm.CYLINDRICAL, Map.of());
    }

    private static RuleParameters pack() {
        return ProcedureLibrary.builtIn().resolve("pse-app9/external-short-pack", 1, CellForm.PRISMATIC, Map.of());
    }

    private int eval(final RuleParameters p, final long t, final float cell, final float ambient, final float current) {
        return TemperatureReturnRule.evaluate(s, p, t, cell, ambient, current);
    }

    /** Feeds one cell temperature per second from {@code t}; returns the index of the sample that fired, or -1. */
    private int curve(final RuleParameters p, final long t, final float ambient, final float... cellTemperatures) {
        for (int i = 0; i < cellTemperatures.length; i++) {
            if (eval(p, t + i * S, cellTemperatures[i], ambient, 0f) != TemperatureReturnRule.NONE) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void shouldNotFireAtRunStartWhenTheRiseIsStillBelowTheMinimumRise() {
        // At the start dT and its maximum are both about 0, so "dT <= 20% of the maximum" is trivially true: the
        // rule is only armed once the maximum reached the minimum rise (2 K). Cell procedure: ambient 55 C.
        final RuleParameters p = cell();
        assertEquals(-1, curve(p, T0, NO_AMBIENT, 55f, 55f, 55.5f, 56.5f, 56.5f, 55f, 55f, 54.5f));
        assertEquals(1.5, s.maxRise); // below 2 K: never armed, although the last dT (-0.5 K) is below 20% of it
    }

    @Test
    void shouldFireAtTheFirstSampleWithinTwentyPercentOfThePeakWhenThePeakReachedTheMinimumRise() {
        // dT peaks at 30 K (85 C against 55 C); 20% of it is 6 K, i.e. 61 C. 61.5 C (6.5 K) is not yet within,
        // 61 C (exactly 6 K: "20% or less") is.
        final RuleParameters p = cell();
        assertEquals(6, curve(p, T0, NO_AMBIENT, 55f, 70f, 85f, 75f, 65f, 61.5f, 61f, 58f));
        assertEquals(30.0, s.maxRise);
        assertEquals(6.0, s.lastRise);
        assertTrue(s.fired);
        // Fired: nothing more until the next SHORT_APPLIED.
        assertEquals(TemperatureReturnRule.NONE, eval(p, T0 + 10 * S, 55f, NO_AMBIENT, 0f));
    }

    @Test
    void shouldFireEarlierWhenTheFractionIs0point80() {
        // The other standards' reading, "declined BY 20%": dT <= 80% of 30 K = 24 K, i.e. 79 C, reached three samples
        // earlier than the 20% reading on the same curve.
        final RuleParameters p = cell();
        p.temperatureReturnFraction = 0.80;
        assertEquals(3, curve(p, T0, NO_AMBIENT, 55f, 70f, 85f, 79f, 65f, 61.5f, 61f, 58f));
        assertEquals(24.0, s.lastRise);
    }

    @Test
    void shouldTakeTheAmbientFromTheSampleWhenItCarriesOne() {
        // Chamber sensor reads 60 C: dT = 10 K at 70 C, and 62 C is 2 K = 20% of it. Against the procedure's fixed
        // 55 C it would be 7 K of 15 K (47%): no end yet. So firing here proves the sample's ambient was used.
        final RuleParameters p = cell();
        assertEquals(2, curve(p, T0, 60f, 60f, 70f, 62f));
        assertEquals(10.0, s.maxRise);
        assertEquals(2.0, s.lastRise);
    }

    @Test
    void shouldTakeTheProcedureAmbientWhenTheSampleHasNone() {
        // Cells: 55 +/- 5 C ambient, shipped as 55 C. dT = 10 K at 65 C; 57 C is 2 K = 20% of it.
        final RuleParameters p = cell();
        assertEquals(55.0, p.temperatureReturnAmbient);
        assertEquals(2, curve(p, T0, NO_AMBIENT, 55f, 65f, 57f));
        assertEquals(10.0, s.maxRise);
        // The pack procedure's ambient is 20 +/- 5 C.
        assertEquals(20.0, pack().temperatureReturnAmbient);
    }

    @Test
    void shouldTakeTheFirstCellTemperatureAsAmbientWhenThereIsNoOtherAmbient() {
        // No chamber sensor, no fixed ambient: the cell's first (finite) temperature, 25 C, is the ambient.
        final RuleParameters p = cell();
        p.temperatureReturnAmbient = Double.NaN;
        assertEquals(-1, curve(p, T0, NO_AMBIENT, Float.NaN)); // a first sample without temperature does not count
        assertEquals(-1, curve(p, T0 + S, NO_AMBIENT, 25f, 35f));
        assertEquals(25.0, s.firstCellTemperature);
        assertEquals(10.0, s.maxRise);
        assertEquals(0, curve(p, T0 + 3 * S, NO_AMBIENT, 27f)); // 2 K = 20% of 10 K
    }

    @Test
    void shouldChangeNothingWhenTheCellTemperatureIsNaN() {
        final RuleParameters p = cell();
        assertEquals(-1, curve(p, T0, NO_AMBIENT, 55f, 65f, 60f));
        for (int i = 0; i < 10; i++) {
            assertEquals(TemperatureReturnRule.NONE, eval(p, T0 + (10 + i) * S, Float.NaN, NO_AMBIENT, 0f));
        }
        assertEquals(10.0, s.maxRise);
        assertEquals(5.0, s.lastRise); // the last real reading, not NaN
        assertFalse(s.fired);
        assertEquals(0, curve(p, T0 + 30 * S, NO_AMBIENT, 57f));
    }

    @Test
    void shouldStartThePeakOverWhenAShortAppliedMarkArrives() {
        // Before the short the cell was warmed to 85 C (dT 30 K). The criterion is about the rise caused by the
        // short, so the SHORT_APPLIED mark forgets that peak: 60.5 C (5.5 K) would be within 20% of 30 K (6 K) but is
        // not within 20% of the post-short peak of 10 K (2 K).
        final RuleParameters p = cell();
        assertEquals(-1, curve(p, T0, NO_AMBIENT, 55f, 85f, 80f));
        assertEquals(30.0, s.maxRise);
        TemperatureReturnRule.onShortApplied(s, T0 + 10 * S);
        assertEquals(Double.NEGATIVE_INFINITY, s.maxRise);
        assertEquals(-1, curve(p, T0 + 10 * S, NO_AMBIENT, 65f, 62f, 60.5f));
        assertEquals(10.0, s.maxRise);
        assertEquals(1, curve(p, T0 + 20 * S, NO_AMBIENT, 58f, 57f)); // 2 K <= 20% of 10 K
        // a new short re-arms a fired rule, and its 24 h count from the new mark
        assertTrue(s.fired);
        TemperatureReturnRule.onShortApplied(s, T0 + 60 * S);
        assertFalse(s.fired);
        assertEquals(T0 + 60 * S + 24 * H, TemperatureReturnRule.nextCapTime(s, p));
    }

    @Test
    void shouldReachTheTimeCapExactly24hAfterTheShortBegan() {
        final RuleParameters p = cell();
        assertEquals(24 * H, p.temperatureReturnTimeCapMicros);
        TemperatureReturnRule.onShortApplied(s, T0);
        assertEquals(T0 + 24 * H, TemperatureReturnRule.nextCapTime(s, p));
        assertEquals(TemperatureReturnRule.NONE, TemperatureReturnRule.capReached(s, p, T0 + 24 * H - 1));
        assertEquals(TemperatureReturnRule.FIRED_TIME_CAP, TemperatureReturnRule.capReached(s, p, T0 + 24 * H));
        // A sample past the cap (after a gap in the data) ends the test with the cap's own time, so that the job's
        // timer (no samples) and a late sample give the same alert.
        assertEquals(-1, curve(p, T0, NO_AMBIENT, 55f, 80f));
        assertEquals(TemperatureReturnRule.FIRED_TIME_CAP, eval(p, T0 + 25 * H, 60f, NO_AMBIENT, 0f));
        assertEquals(T0 + 24 * H, TemperatureReturnRule.capTime(s, p, TemperatureReturnRule.FIRED_TIME_CAP));
        assertEquals(Long.MAX_VALUE, TemperatureReturnRule.nextCapTime(s, p)); // fired: nothing left to wait for
    }

    @Test
    void shouldStartTheTimeCapAtTheRunsFirstSampleWhenThereIsNoMark() {
        // Without SHORT_APPLIED the short is taken to begin with the run's first sample, so the 24 h count from it.
        final RuleParameters p = cell();
        assertEquals(Long.MAX_VALUE, TemperatureReturnRule.nextCapTime(s, p)); // nothing seen: no start yet
        eval(p, T0 + 7 * S, 55f, NO_AMBIENT, 0f);
        assertEquals(T0 + 7 * S + 24 * H, TemperatureReturnRule.nextCapTime(s, p));
    }

    @Test
    void shouldReachThePackCapOneHourAfterTheCurrentStoppedBelowTheThreshold() {
        // Pack with a protection element: the short current flows (30 A), then the element opens (0.05 A < 0.1 A).
        final RuleParameters p = pack();
        assertEquals(1 * H, p.temperatureReturnCurrentStopCapMicros);
        TemperatureReturnRule.onShortApplied(s, T0);
        eval(p, T0, 20f, NO_AMBIENT, 30f);
        eval(p, T0 + 10 * S, 40f, NO_AMBIENT, 30f);
        assertEquals(Long.MIN_VALUE, s.currentStoppedMicros);
        eval(p, T0 + 20 * S, 45f, NO_AMBIENT, 0.05f);
        assertEquals(T0 + 20 * S, s.currentStoppedMicros);
        assertEquals(T0 + 20 * S + H, TemperatureReturnRule.nextCapTime(s, p));
        assertEquals(TemperatureReturnRule.NONE, eval(p, T0 + 20 * S + H - 1, 44f, NO_AMBIENT, 0f));
        assertEquals(TemperatureReturnRule.FIRED_CURRENT_STOP_CAP, eval(p, T0 + 20 * S + H, 44f, NO_AMBIENT, 0f));
        assertEquals(T0 + 20 * S + H, TemperatureReturnRule.capTime(s, p, TemperatureReturnRule.FIRED_CURRENT_STOP_CAP));
    }

    @Test
    void shouldReachThePackCapOneHourAfterACurrentStoppedMark() {
        final RuleParameters p = pack();
        TemperatureReturnRule.onShortApplied(s, T0);
        eval(p, T0, 20f, NO_AMBIENT, Float.NaN); // a rig that measures no current: only the mark can tell
        TemperatureReturnRule.onCurrentStopped(s, T0 + 5 * S);
        TemperatureReturnRule.onCurrentStopped(s, T0 + 9 * S); // the first stop counts
        assertEquals(T0 + 5 * S + H, TemperatureReturnRule.nextCapTime(s, p));
        assertEquals(TemperatureReturnRule.FIRED_CURRENT_STOP_CAP, TemperatureReturnRule.capReached(s, p, T0 + 5 * S + H));
    }

    @Test
    void shouldNotDetectACurrentStopWhenTheCurrentNeverFlowed() {
        // "after the current stopped" needs a current that flowed: a pack whose protection opened at once, reading
        // 0 A from the start, is judged by the 24 h and the temperature criteria (or a CURRENT_STOPPED mark).
        final RuleParameters p = pack();
        eval(p, T0, 20f, NO_AMBIENT, 0f);
        eval(p, T0 + S, 20f, NO_AMBIENT, 0.01f);
        assertEquals(Long.MIN_VALUE, s.currentStoppedMicros);
        assertEquals(T0 + 24 * H, TemperatureReturnRule.nextCapTime(s, p));
    }

    @Test
    void shouldIgnoreTheCurrentWhenTheProcedureHasNoCurrentStopCap() {
        // Cells (3-(1) a) have no "1 h after the current stopped" clause.
        final RuleParameters p = cell();
        assertEquals(0, p.temperatureReturnCurrentStopCapMicros);
        eval(p, T0, 55f, NO_AMBIENT, 30f);
        eval(p, T0 + S, 60f, NO_AMBIENT, 0f);
        assertEquals(Long.MIN_VALUE, s.currentStoppedMicros);
        assertEquals(TemperatureReturnRule.NONE, TemperatureReturnRule.capReached(s, p, T0 + 2 * H));
    }

    @Test
    void shouldApplyTheEarlierCapWhenBothCapsAreReached() {
        // "whichever is shorter": current stopped 23.5 h into the test, so the 1 h cap (24.5 h) comes after 24 h.
        final RuleParameters p = pack();
        TemperatureReturnRule.onShortApplied(s, T0);
        eval(p, T0, 20f, NO_AMBIENT, 30f);
        eval(p, T0 + 23 * H + 1800 * S, 25f, NO_AMBIENT, 0f);
        assertEquals(T0 + 24 * H, TemperatureReturnRule.nextCapTime(s, p));
        assertEquals(TemperatureReturnRule.FIRED_TIME_CAP, TemperatureReturnRule.capReached(s, p, T0 + 25 * H));
    }
}
