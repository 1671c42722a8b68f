package io.cellwatch.bench.engines;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import io.cellwatch.bench.codec.SampleSeries;
import io.cellwatch.core.rules.RuleParameters;
import io.cellwatch.core.rules.UpperChargeVoltageRule;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One rule's input batch, in the two shapes the engines take it: a SAMPLES frame (ours) and the same samples as
 * {@link Reading} objects (Flink CEP, Esper), with the rule's parameters. Built once; every engine reads it.
 */
final class RuleInputs {
    static final int SAMPLES = 256;
    static final double DROP_THRESHOLD = 0.050;
    static final double FORCE_LIMIT = 400.0;
    /** The temperature-return rule's defaults, written out for the CEP and EPL variants. */
    static final double MIN_RISE = 2.0;
    static final double RETURN_FRACTION = 0.2;

    final RuleEnginesBenchmark.Rule rule;
    final UnsafeBuffer frame;
    final List<Reading> readings;
    /** The phase mark (PRESS_START, SHORT_APPLIED) of every batch: before its first sample. */
    final long phaseStartMicros;
    final RuleParameters parameters;
    final UpperChargeVoltageRule upper;

    RuleInputs(final RuleEnginesBenchmark.Rule rule) {
        this.rule = rule;
        final SampleSeries series = series(rule);
        frame = series.encodeFrame();
        phaseStartMicros = series.timestampMicros(0);
        final List<Reading> list = new ArrayList<>(SAMPLES);
        for (int i = 0; i < SAMPLES; i++) {
            list.add(new Reading(series.timestampMicros(i), series.voltage(i), series.current(i),
                series.cellTemperature(i), series.ambientTemperature(i), series.force(i), i == 0));
        }
        readings = List.copyOf(list);
        parameters = new RuleParameters();
        parameters.voltageDropEnabled = true;
        parameters.voltageDropThreshold = DROP_THRESHOLD;
        parameters.voltageDropForceLimit = FORCE_LIMIT;
        parameters.temperatureReturnEnabled = true;
        parameters.validate();
        if (parameters.temperatureReturnMinRise != MIN_RISE || parameters.temperatureReturnFraction != RETURN_FRACTION) {
            throw new IllegalStateException("the CEP and EPL variants are written for a minimum rise of " + MIN_RISE
                + " C and a fraction of " + RETURN_FRACTION + "; the rule's defaults changed");
        }
        upper = new UpperChargeVoltageRule(UpperChargeVoltageRule.DEFAULT_LIMIT_VOLTS,
            UpperChargeVoltageRule.DEFAULT_HYSTERESIS_VOLTS);
    }

    /*
     * The thresholds the upper-voltage rule itself compares with: the rule widens the limit to its f32 value (see
     * UpperChargeVoltageRule); recomputed here the same way so that all three engines use the same numbers.
     */
    double fireAbove() {
        return Math.max(upper.limitVolts(), (float) upper.limitVolts());
    }

    double rearmBelow() {
        final double rearm = upper.limitVolts() - upper.hysteresisVolts();
        return Math.min(rearm, (float) rearm);
    }

    static SampleSeries series(final RuleEnginesBenchmark.Rule rule) {
        if (rule == RuleEnginesBenchmark.Rule.UPPER_CHARGE_VOLTAGE) {
            return SampleSeries.generate(SAMPLES, 42);
        }
        final long[] t = new long[SAMPLES];
        final float[] v = new float[SAMPLES];
        final float[] current = new float[SAMPLES];
        final float[] cell = new float[SAMPLES];
        final float[] ambient = new float[SAMPLES];
        final float[] force = new float[SAMPLES];
        final SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < SAMPLES; i++) {
            t[i] = SampleSeries.START_MICROS + i * SampleSeries.SAMPLE_PERIOD_MICROS;
            ambient[i] = 22.0f;
            if (rule == RuleEnginesBenchmark.Rule.VOLTAGE_DROP) {
                // 0.1 mV per sample of sag, +-0.5 mV noise, then a soft short adds 2 mV per sample from sample 180
                final double shortDrop = i < 180 ? 0 : 0.002 * (i - 180);
                v[i] = (float) (4.000 - 0.0001 * i - shortDrop + random.nextDouble(-0.0005, 0.0005));
                current[i] = 0f;
                cell[i] = 25.0f;
                force[i] = i; // N; stays below the limit
            } else {
                final double rise = i < 40 ? 10.0 * i / 40 : 10.0 * Math.exp(-(i - 40) / 60.0);
                v[i] = 0.2f;
                current[i] = 50f;
                cell[i] = (float) (22.0 + rise + random.nextDouble(-0.02, 0.02));
                force[i] = Float.NaN;
            }
        }
        return SampleSeries.of(t, v, current, cell, ambient, force);
    }
}
