package io.cellwatch.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.cellwatch.core.codec.SamplesFlyweight;
import io.cellwatch.core.evaluation.ChannelEvaluator;
import io.cellwatch.core.evaluation.ChannelState;
import io.cellwatch.core.model.CellForm;
import io.cellwatch.core.model.ChannelDeclaration;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class CyclingCellTest {
    private static final long MIN = CyclingCell.MINUTE_MICROS;

    @Test
    void shouldChargeRestDischargeAndRestWithinEachHour() {
        assertEquals(1.5, CyclingCell.amps(10 * MIN));
        assertEquals(0, CyclingCell.amps(27 * MIN));
        assertEquals(-1.5, CyclingCell.amps(40 * MIN));
        assertEquals(0, CyclingCell.amps(57 * MIN));
        assertEquals(CyclingCell.amps(10 * MIN), CyclingCell.amps(10 * MIN + 23 * CyclingCell.CYCLE_MICROS),
            "the same cycle every hour");
        assertEquals(3.60, CyclingCell.volts(0), 1e-9);
        assertEquals(4.15, CyclingCell.volts(25 * MIN - 1), 1e-6);
        assertEquals(4.12, CyclingCell.volts(29 * MIN), 1e-9, "relaxed 30 mV after 2 min of rest");
        assertEquals(3.60, CyclingCell.volts(55 * MIN - 1), 1e-6);
    }

    @Test
    void shouldWarmUnderCurrentAndCoolAtRestWithoutJumps() {
        assertEquals(26, CyclingCell.cellCelsius(0), 1e-9);
        assertEquals(33, CyclingCell.cellCelsius(20 * MIN), 1e-9);
        assertEquals(26, CyclingCell.cellCelsius(30 * MIN - 1), 1e-5);
        double previous = CyclingCell.cellCelsius(0);
        for (long t = MIN / 10; t <= CyclingCell.CYCLE_MICROS; t += MIN / 10) {
            final double now = CyclingCell.cellCelsius(t);
            assertTrue(Math.abs(now - previous) < 0.2, "no temperature step at " + t / (double) MIN + " min");
            previous = now;
        }
    }

    @Test
    void shouldWriteASampleTheDecoderReadsBackWithBothTemperaturesAndNoForce() {
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[SamplesFlyweight.frameLength(1)]);
        SamplesFlyweight.encodeHeader(frame, 0, 1, 1, 1);
        SamplesFlyweight.putSample(frame, 0, 0, 42L, 0f, 0f, Float.NaN, Float.NaN, Float.NaN);
        CyclingCell.write(frame, SamplesFlyweight.SAMPLES_OFFSET, 40 * MIN);
        final SamplesFlyweight f = new SamplesFlyweight().wrap(frame, 0);
        assertEquals(42L, f.timestampMicros(0));
        assertEquals((float) CyclingCell.volts(40 * MIN), f.voltage(0));
        assertEquals(-1.5f, f.current(0));
        assertEquals(33f, f.cellTemperature(0));
        assertEquals(CyclingCell.AMBIENT_CELSIUS, f.ambientTemperature(0));
        assertTrue(Float.isNaN(f.force(0)), "no force");
    }

    /** The harness's trips must be the only alerts: the cycle itself stays under every ort/cycling@2 limit. */
    @Test
    void shouldRaiseNoAlertOfItsOwnUnderTheCyclingProcedure() {
        final ChannelEvaluator evaluator = ChannelEvaluator.withBuiltInLibrary();
        final ChannelState s = evaluator.newState("rigC/ch01", "rigC");
        evaluator.declare(s, new ChannelDeclaration(1, "rigC/ch01", "SN-C", "LOT-C", "ort/cycling", 2,
            CellForm.CYLINDRICAL, 3.0, Map.of()), "rigC");
        final int perFrame = 100;
        final long step = 100_000; // 10 Hz over two cycles
        final UnsafeBuffer frame = new UnsafeBuffer(new byte[SamplesFlyweight.frameLength(perFrame)]);
        final SamplesFlyweight samples = new SamplesFlyweight();
        final long t0 = 1_790_000_000_000_000L;
        final List<String> alerts = new ArrayList<>();
        long sequence = 0;
        for (long t = 0; t < 2 * CyclingCell.CYCLE_MICROS; ) {
            SamplesFlyweight.encodeHeader(frame, 0, ++sequence, 1, perFrame);
            for (int i = 0; i < perFrame; i++, t += step) {
                SamplesFlyweight.putSample(frame, 0, i, t0 + t, 0f, 0f, 0f, 0f, Float.NaN);
                CyclingCell.write(frame, SamplesFlyweight.SAMPLES_OFFSET + i * SamplesFlyweight.SAMPLE_LENGTH, t);
            }
            evaluator.samples(s, samples.wrap(frame, 0), t0 + t, a -> alerts.add(a.rule() + " " + a.trigger()));
        }
        assertEquals(List.of(), alerts);
    }
}
