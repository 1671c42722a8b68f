package io.cellwatch.core.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.cellwatch.core.model.CellForm;
import io.cellwatch.core.procedure.ProcedureLibrary;

/**
 * The 50 mV drop of PSE Appendix 9, 3-(10) stage 5, in both modes. Voltages are passed as {@code float}, widened to
 * double, exactly as {@code ChannelEvaluator} passes a sample's f32 fields.
 */
class VoltageDropRuleTest {
    private static final long T0 = 1_767_225_600_000_000L; // 2026-01-01T00:00:00Z in us
    private static final long MS = 1_000L;
    private static final long S = 1_000_000L;
    private static final float NO_FORCE = Float.NaN;
    private static final float AT_REST = 0f;

    private final VoltageDropState s = new VoltageDropState();

    private static RuleParameters press(final CellForm form) {
        return ProcedureLibrary.builtIn().resolve("pse-app9/forced-internal-short", 1, form, Map.of());
    }

    private static RuleParameters ort() {
        return ProcedureLibrary.builtIn().resolve("ort/cycling", 1, CellForm.CYLINDRICAL, Map.of());
    }

    private int eval(final RuleParameters p, final long t, final float v, final float current, final float force) {
        return VoltageDropRule.evaluate(s, p, t, v, current, force);
    }

    // ------------------------------------------------------------------ baseline mode

    @Test
    void shouldTakeTheBaselineFromTheFirstSampleAtOrAfterPressStartWhenMarked() {
        final RuleParameters p = press(CellForm.CYLINDRICAL);
        assertEquals(VoltageDropRule.NONE, eval(p, T0, 4.10f, 0, NO_FORCE)); // before the mark: the run's first sample
        VoltageDropRule.onPressStart(s, T0 + 1 * S);
        // A late sample from before the mark must not become the baseline: the press had not started yet.
        assertEquals(VoltageDropRule.NONE, eval(p, T0 + 900 * MS, 3.00f, 0, NO_FORCE));
        assertTrue(Double.isNaN(s.baseline));
        // The sample exactly at the mark's time is "at or after" the mark, so it is the baseline.
        assertEquals(VoltageDropRule.NONE, eval(p, T0 + 1 * S, 4.00f, 0, NO_FORCE));
        assertEquals(4.00f, s.baseline);
        // 60 mV below the run's first sample (4.10 V) but only 40 mV below the press-start baseline: no stop.
        assertEquals(VoltageDropRule.NONE, eval(p, T0 + 2 * S, 4.04f, 0, NO_FORCE));
        assertEquals(VoltageDropRule.NONE, eval(p, T0 + 3 * S, 3.96f, 0, NO_FORCE));
        // 50 mV below the baseline: stop, and the reference reported is the baseline, not the previous sample.
        assertEquals(VoltageDropRule.FIRED_DROP, eval(p, T0 + 4 * S, 3.95f, 0, NO_FORCE));
        assertEquals(4.00f, VoltageDropRule.reference(s, p, T0 + 4 * S));
    }

    @Test
    void shouldTakeTheBaselineFromTheRunsFirstSampleWhenThereIsNoMark() {
        final RuleParameters p = press(CellForm.CYLINDRICAL);
        assertEquals(VoltageDropRule.NONE, eval(p, T0, 4.00f, 0, NO_FORCE));
        assertEquals(4.00f, s.baseline);
        // The voltage rises first (the baseline stays the first sample; the rule never follows the voltage up) ...
        assertEquals(VoltageDropRule.NONE, eval(p, T0 + S, 4.03f, 0, NO_FORCE));
        assertEquals(VoltageDropRule.NONE, eval(p, T0 + 2 * S, 3.96f, 0, NO_FORCE));
        // ... so 3.95 V is 50 mV below the first sample (and 80 mV below the highest): it fires here.
        assertEquals(VoltageDropRule.FIRED_DROP, eval(p, T0 + 3 * S, 3.95f, 0, NO_FORCE));
        assertEquals(4.00f, VoltageDropRule.reference(s, p, T0 + 3 * S));
    }

    @Test
    void shouldFireExactlyAtTheSampleWhereTheDropReaches50mVWhenASoftShortDecays1mVPerSample() {
        // A slow soft short: 1 mV per sample, never 50 mV between two samples, so only a fixed baseline sees it.
        // The rig sends decimal readings as f32: 4.000 V then 3.950 V arrive as 4.0 and 3.9500000477, whose double
        // difference is 49.99995 mV. The standard stops at "50 mV or more", so the rule must fire at the 50th step
        // (the reading the rig measured as 50 mV below the baseline), not one step (10 um of press travel) later.
        // Checked for several baselines whose f32 roundings go either way (4.2f is below 4.2, 3.7f above 3.7).
        for (double baseline : new double[] {4.000, 4.200, 4.100, 3.700, 3.650, 4.187}) {
            final VoltageDropState state = new VoltageDropState();
            final RuleParameters p = press(CellForm.CYLINDRICAL);
            int firedAt = -1;
            for (int k = 0; k <= 100 && firedAt < 0; k++) {
                final float v = (float) (baseline - k * 0.001);
                if (VoltageDropRule.evaluate(state, p, T0 + k * 100 * MS, v, 0, NO_FORCE) == VoltageDropRule.FIRED_DROP) {
                    firedAt = k;
                }
            }
            assertEquals(50, firedAt, "baseline " + baseline);
        }
    }

    @Test
    void shouldNotFireWhenTheDropStaysAt49point9mV() {
        // 49.9 mV is below "50 mV or more", however long it lasts; the f32 allowance is 0.5 uV, far below 0.1 mV.
        final RuleParameters p = press(CellForm.CYLINDRICAL);
        assertEquals(VoltageDropRule.NONE, eval(p, T0, 4.000f, 0, NO_FORCE));
        for (int k = 1; k <= 1000; k++) {
            assertEquals(VoltageDropRule.NONE, eval(p, T0 + k * MS, 3.9501f, 0, NO_FORCE));
        }
        // one more 0.1 mV and it is 50 mV
        assertEquals(VoltageDropRule.FIRED_DROP, eval(p, T0 + 1001 * MS, 3.9500f, 0, NO_FORCE));
    }

    @Test
    void shouldFireOnForceWhenTheForceLimitComesFirst() {
        // Cylindrical cell: "or the pressing force reaches 800 N, whichever is earlier".
        final RuleParameters p = press(CellForm.CYLINDRICAL);
        assertEquals(800.0, p.voltageDropForceLimit);
        assertEquals(VoltageDropRule.NONE, eval(p, T0, 4.000f, 0, 0f));
        assertEquals(VoltageDropRule.NONE, eval(p, T0 + S, 3.990f, 0, 500f));
        assertEquals(VoltageDropRule.NONE, eval(p, T0 + 2 * S, 3.980f, 0, 799.9f)); // not yet "reached"
        // 800 N reached with only 30 mV of drop: the force is what stops the press.
        assertEquals(VoltageDropRule.FIRED_FORCE, eval(p, T0 + 3 * S, 3.970f, 0, 800f));
        // The drop reaching 50 mV afterwards is the same pressing phase: the press was already told to stop.
        assertEquals(VoltageDropRule.NONE, eval(p, T0 + 4 * S, 3.900f, 0, 810f));
    }

    @Test
    void shouldFireOnTheDropWhenTheDropComesFirstAndNotAgainOnTheForce() {
        final RuleParameters p = press(CellForm.CYLINDRICAL);
        assertEquals(VoltageDropRule.NONE, eval(p, T0, 4.000f, 0, 0f));
        assertEquals(VoltageDropRule.FIRED_DROP, eval(p, T0 + S, 3.950f, 0, 300f));
        // One alert per pressing phase: neither more drop nor the force limit raise another.
        assertEquals(VoltageDropRule.NONE, eval(p, T0 + 2 * S, 3.800f, 0, 300f));
        assertEquals(VoltageDropRule.NONE, eval(p, T0 + 3 * S, 3.800f, 0, 900f));
    }

    @Test
    void shouldFireOnForceEvenBeforeABaselineWhenTheFirstVoltageIsMissing() {
        // "The force limit stops the press even when the voltage reading is missing": no usable voltage yet (NaN),
        // so no baseline, but 800 N must still stop the press.
        final RuleParameters p = press(CellForm.CYLINDRICAL);
        assertEquals(VoltageDropRule.NONE, eval(p, T0, Float.NaN, 0, 700f));
        assertTrue(Double.isNaN(s.baseline));
        assertEquals(VoltageDropRule.FIRED_FORCE, eval(p, T0 + S, Float.NaN, 0, 800f));
    }

    @Test
    void shouldIgnoreNaNForceAndNaNVoltageWhenTheyAreMissing() {
        final RuleParameters p = press(CellForm.CYLINDRICAL);
        // A NaN first voltage is no baseline: the first finite one is.
        assertEquals(VoltageDropRule.NONE, eval(p, T0, Float.NaN, 0, Float.NaN));
        assertEquals(VoltageDropRule.NONE, eval(p, T0 + S, 4.000f, 0, Float.NaN));
        assertEquals(4.000f, s.baseline);
        // A NaN voltage later is not a drop (NaN compares false), and a NaN force is not 800 N.
        for (int k = 2; k < 10; k++) {
            assertEquals(VoltageDropRule.NONE, eval(p, T0 + k * S, Float.NaN, 0, Float.NaN));
        }
        assertEquals(4.000f, s.baseline);
        assertEquals(VoltageDropRule.FIRED_DROP, eval(p, T0 + 10 * S, 3.950f, 0, Float.NaN));
    }

    @Test
    void shouldRaiseOneAlertPerPressingPhaseAndReArmWhenANewPressStartArrives() {
        final RuleParameters p = press(CellForm.CYLINDRICAL);
        VoltageDropRule.onPressStart(s, T0);
        final List<Integer> fired = new ArrayList<>();
        for (int k = 0; k < 100; k++) { // 4.000 V down to 3.901 V: fires once, at 50 mV
            final int r = eval(p, T0 + k * 100 * MS, (float) (4.000 - k * 0.001), 0, NO_FORCE);
            if (r != VoltageDropRule.NONE) {
                fired.add(k);
            }
        }
        assertEquals(List.of(50), fired);
        // The next cell (or the next press of the same test): a new baseline from the first sample after the mark,
        // 3.80 V, not the old 4.00 V (against which 3.79 V would be a 210 mV drop).
        VoltageDropRule.onPressStart(s, T0 + 20 * S);
        assertEquals(VoltageDropRule.NONE, eval(p, T0 + 20 * S, 3.80f, 0, NO_FORCE));
        assertEquals(VoltageDropRule.NONE, eval(p, T0 + 21 * S, 3.79f, 0, NO_FORCE));
        assertEquals(3.80f, s.baseline);
        assertEquals(VoltageDropRule.FIRED_DROP, eval(p, T0 + 22 * S, 3.75f, 0, NO_FORCE));
    }

    @Test
    void shouldTakeTheForceLimitFromTheCellFormWhenTheProcedureGivesOne() {
        // Stage 5: 800 N, "but for prismatic cells, 400 N". The shipped procedure also gives pouch cells 400 N.
        final RuleParameters cylindrical = press(CellForm.CYLINDRICAL);
        final RuleParameters prismatic = press(CellForm.PRISMATIC);
        assertEquals(800.0, cylindrical.voltageDropForceLimit);
        assertEquals(400.0, prismatic.voltageDropForceLimit);
        assertEquals(400.0, press(CellForm.POUCH).voltageDropForceLimit);

        // 400 N stops a prismatic cell's press but not a cylindrical cell's.
        final VoltageDropState cyl = new VoltageDropState();
        final VoltageDropState pri = new VoltageDropState();
        assertEquals(VoltageDropRule.NONE, VoltageDropRule.evaluate(cyl, cylindrical, T0, 4.0f, 0, 400f));
        assertEquals(VoltageDropRule.FIRED_FORCE, VoltageDropRule.evaluate(pri, prismatic, T0, 4.0f, 0, 400f));
        assertEquals(VoltageDropRule.NONE, VoltageDropRule.evaluate(pri, prismatic, T0 + S, 4.0f, 0, 800f));
        assertEquals(VoltageDropRule.FIRED_FORCE, VoltageDropRule.evaluate(cyl, cylindrical, T0 + S, 4.0f, 0, 800f));
    }

    @Test
    void shouldNotFireOnForceWhenNoForceLimitIsSet() {
        // NaN force limit = none (e.g. a procedure without a press): any force compares false.
        final RuleParameters p = new RuleParameters();
        p.voltageDropEnabled = true;
        assertTrue(Double.isNaN(p.voltageDropForceLimit));
        assertEquals(VoltageDropRule.NONE, eval(p, T0, 4.0f, 0, 1e6f));
        assertEquals(VoltageDropRule.NONE, eval(p, T0 + S, 4.0f, 0, Float.MAX_VALUE));
    }

    // ------------------------------------------------------------------ rolling-rest mode (ort/cycling@1)

    /** Feeds {@code seconds} of 10 Hz samples at a constant voltage and current; returns the results that fired. */
    private List<Integer> hold(final RuleParameters p, final long from, final double seconds, final float v,
                               final float current) {
        final List<Integer> fired = new ArrayList<>();
        for (long t = from; t < from + Math.round(seconds * S); t += 100 * MS) {
            final int r = eval(p, t, v, current, NO_FORCE);
            if (r != VoltageDropRule.NONE) {
                fired.add(r);
            }
        }
        return fired;
    }

    @Test
    void shouldUseTheOrtProcedureParametersInRollingRestMode() {
        // The rolling-rest tests below rely on these shipped values: 1 s window, 2 s settle, 0.05 A rest, 50 mV.
        final RuleParameters p = ort();
        assertEquals(VoltageDropRule.MODE_ROLLING_REST, p.voltageDropMode);
        assertEquals(1 * S, p.voltageDropWindowMicros);
        assertEquals(2 * S, p.voltageDropSettleMicros);
        assertEquals(0.05, p.voltageDropRestCurrent);
        assertEquals(0.050, p.voltageDropThreshold);
    }

    @Test
    void shouldNotFireWhenALoadStepDropsTheVoltage300mV() {
        // An ordinary discharge step on an ORT rack: 0 A -> 2 A (discharge, so I = -2 A: + is charge) makes the
        // voltage step down 300 mV through the cell's resistance. |I| = 2 A is not rest, so the step never counts.
        final RuleParameters p = ort();
        assertEquals(List.of(), hold(p, T0, 5, 3.700f, AT_REST)); // well past the settle time
        assertEquals(List.of(), hold(p, T0 + 5 * S, 5, 3.400f, -2f));
        // ... and the opposite step: charge at +2 A (voltage up 300 mV), then the current stops and the voltage falls
        // back 300 mV to rest: the fall happens in the settling time after the current stopped.
        assertEquals(List.of(), hold(p, T0 + 10 * S, 5, 3.700f, AT_REST));
        assertEquals(List.of(), hold(p, T0 + 15 * S, 5, 4.000f, 2f));
        assertEquals(List.of(), hold(p, T0 + 20 * S, 5, 3.700f, AT_REST));
    }

    /** Charge, then rest while the voltage relaxes from 4.20 V towards 4.08 V (time constant 0.5 s). */
    private List<Integer> chargeThenRelax(final RuleParameters p, final VoltageDropState state) {
        final List<Integer> fired = new ArrayList<>();
        for (long t = T0; t < T0 + 5 * S; t += 100 * MS) {
            if (VoltageDropRule.evaluate(state, p, t, 4.20f, 2f, NO_FORCE) != VoltageDropRule.NONE) {
                fired.add(-1);
            }
        }
        for (long dt = 0; dt < 10 * S; dt += 100 * MS) {
            final float v = (float) (4.08 + 0.12 * Math.exp(-dt / 0.5e6));
            final int r = VoltageDropRule.evaluate(state, p, T0 + 5 * S + dt, v, AT_REST, NO_FORCE);
            if (r != VoltageDropRule.NONE) {
                fired.add((int) (dt / (100 * MS)));
            }
        }
        return fired;
    }

    @Test
    void shouldNotFireWhenTheVoltageRelaxesInTheSettlePeriodAfterTheCurrentStops() {
        // After a charge stops, the voltage relaxes down ~120 mV, most of it in the first second: more than 50 mV
        // within the 1 s window. In the 2 s settle time it is not counted; afterwards the remaining relaxation
        // (under 3 mV) is far from 50 mV.
        assertEquals(List.of(), chargeThenRelax(ort(), s));
        // Control: the same data without a settle time does fire, so it is the settle time that prevents it.
        final RuleParameters noSettle = ort();
        noSettle.voltageDropSettleMicros = 0;
        assertEquals(1, chargeThenRelax(noSettle, new VoltageDropState()).size());
    }

    @Test
    void shouldFireWhenTheVoltageDrops50mVWithinTheWindowAtRestAfterSettling() {
        // A soft short at rest: 3.700 V for 3 s (settled), then 10 mV per 100 ms. 3.650 V is 50 mV below the highest
        // voltage of the last second (3.700 V, as f32: the same f32 allowance as in baseline mode applies).
        final RuleParameters p = ort();
        assertEquals(List.of(), hold(p, T0, 3, 3.700f, AT_REST));
        final long start = T0 + 3 * S;
        for (int k = 1; k <= 4; k++) {
            assertEquals(VoltageDropRule.NONE, eval(p, start + k * 100 * MS, (float) (3.700 - k * 0.010), AT_REST, NO_FORCE));
        }
        assertEquals(VoltageDropRule.FIRED_DROP, eval(p, start + 500 * MS, 3.650f, AT_REST, NO_FORCE));
        assertEquals(3.700f, VoltageDropRule.reference(s, p, start + 500 * MS));
        // Once per rest period: the voltage falling further does not raise another alert.
        assertEquals(List.of(), hold(p, start + 600 * MS, 2, 3.500f, AT_REST));
    }

    @Test
    void shouldNotFireWhenTheDropAtRestIsSlowerThanTheWindow() {
        // The rolling mode compares with the last second only: 50 mV over 10 s (5 mV/s) never reaches 50 mV within
        // one window. (Baseline mode is the one that adds up a slow drift; see docs/rules.md.)
        final RuleParameters p = ort();
        assertEquals(List.of(), hold(p, T0, 3, 3.700f, AT_REST));
        for (int k = 1; k <= 120; k++) {
            assertEquals(VoltageDropRule.NONE,
                eval(p, T0 + 3 * S + k * 100 * MS, (float) (3.700 - k * 0.0005), AT_REST, NO_FORCE));
        }
    }

    @Test
    void shouldClearTheWindowWhenLeavingRest() {
        final RuleParameters p = ort();
        assertEquals(List.of(), hold(p, T0, 3, 3.700f, AT_REST));
        // One sample under load: no longer at rest, the window of 3.700 V readings is forgotten ...
        assertEquals(VoltageDropRule.NONE, eval(p, T0 + 3 * S, 3.690f, 1f, NO_FORCE));
        assertEquals(Long.MIN_VALUE, s.restSinceMicros);
        for (long index : s.bucketIndex) {
            assertEquals(Long.MIN_VALUE, index);
        }
        // ... so resting at 3.640 V afterwards (60 mV below the old window) is the new normal, not a drop.
        assertEquals(List.of(), hold(p, T0 + 3 * S + 100 * MS, 5, 3.640f, AT_REST));
    }

    @Test
    void shouldReArmWhenLeavingRestAfterFiring() {
        final RuleParameters p = ort();
        assertEquals(List.of(), hold(p, T0, 3, 3.700f, AT_REST));
        assertEquals(List.of(VoltageDropRule.FIRED_DROP), hold(p, T0 + 3 * S, 1, 3.600f, AT_REST));
        assertEquals(List.of(), hold(p, T0 + 4 * S, 1, 3.600f, -1f)); // a cycle step
        // the next rest period is a new episode: a new 50 mV drop in it raises a new alert
        assertEquals(List.of(), hold(p, T0 + 5 * S, 3, 3.650f, AT_REST));
        assertEquals(List.of(VoltageDropRule.FIRED_DROP), hold(p, T0 + 8 * S, 1, 3.550f, AT_REST));
    }

    @Test
    void shouldTreatANaNCurrentAsNotAtRest() {
        // A missing current reading is no evidence of rest; judging a drop needs it.
        final RuleParameters p = ort();
        assertEquals(List.of(), hold(p, T0, 3, 3.700f, Float.NaN));
        assertEquals(List.of(), hold(p, T0 + 3 * S, 1, 3.500f, Float.NaN));
    }

    @Test
    void shouldKeepTheStateFixedSizeAfterAMillionSamples() {
        // ORT racks run for months at up to 10 Hz: the window is 32 buckets whatever the rate or the duration.
        final RuleParameters p = ort();
        final float[] max = s.bucketMax;
        final long[] index = s.bucketIndex;
        long seed = 42;
        for (int i = 0; i < 1_000_000; i++) {
            seed = seed * 6364136223846793005L + 1442695040888963407L; // a fixed LCG: same data every run
            final float noise = (seed >>> 40) / (float) (1 << 24) * 0.002f;
            final float current = (i / 5_000) % 2 == 0 ? 0f : -1f; // 500 s of rest, 500 s of load, ...
            eval(p, T0 + i * 100 * MS, 3.7f + noise, current, NO_FORCE);
        }
        assertEquals(VoltageDropRule.BUCKETS, s.bucketMax.length);
        assertEquals(VoltageDropRule.BUCKETS, s.bucketIndex.length);
        assertSame(max, s.bucketMax);
        assertSame(index, s.bucketIndex);
    }
}
