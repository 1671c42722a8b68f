package io.cellwatch.bench.engines;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.cellwatch.bench.codec.SampleSeries;
import io.cellwatch.core.codec.SamplesFlyweight;
import io.cellwatch.core.rules.RuleParameters;
import io.cellwatch.core.rules.TemperatureReturnRule;
import io.cellwatch.core.rules.TemperatureReturnState;
import io.cellwatch.core.rules.Transition;
import io.cellwatch.core.rules.UpperChargeVoltageRule;
import io.cellwatch.core.rules.VoltageDropRule;
import io.cellwatch.core.rules.VoltageDropState;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.IterativeCondition;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Each stop-condition rule over one batch of 256 samples of one channel, three ways, on the same samples:
 * <ul>
 *   <li>{@link #ours}: the rule's state machine straight over {@link SamplesFlyweight} (decode + rule), the
 *       per-channel state carried from batch to batch, as the Flink job's function does;</li>
 *   <li>{@link #flinkCep}: the same rule as a Flink CEP pattern, evaluated on every sample through its NFA
 *       ({@link CepRunner}), the samples already decoded into {@link Reading} objects;</li>
 *   <li>{@link #esper}: the same rule in EPL ({@link EsperRunner}), on the same {@link Reading} objects.</li>
 * </ul>
 * One operation is one batch; every variant returns the number of alerts the batch raised, and {@link Batch#setup}
 * throws unless all three agree on two consecutive batches (after one batch that brings every engine into its
 * steady state, see {@link Rule#UPPER_CHARGE_VOLTAGE}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
    "-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-XX:+AlwaysPreTouch"})
public class RuleEnginesBenchmark {
    static final int SAMPLES = 256;
    static final double DROP_THRESHOLD = 0.050;
    static final double FORCE_LIMIT = 400.0;

    /** The rules, with the input series each is measured on. */
    public enum Rule {
        /**
         * The periodic charge series of {@link SampleSeries}: four alerts per batch. Fires on V above the limit,
         * re-arms below limit - hysteresis. Written for CEP and EPL as "a sample below the re-arm level, followed by
         * one above the limit", which has no alert for a series that starts inside the band; so setup first runs
         * one batch through every variant, after which each batch starts re-armed in all of them.
         */
        UPPER_CHARGE_VOLTAGE,
        /**
         * A press phase per batch (the phase mark before its first sample): V sags slowly, then a soft short takes
         * it 50 mV under the phase's first reading around sample 196; the force rises to 255 N, below the 400 N
         * limit. One alert per batch.
         */
        VOLTAGE_DROP,
        /**
         * An external short per batch (the mark before its first sample): dT rises to 10 C by sample 40, then
         * decays; back within 20% of its peak at about sample 137. One alert per batch.
         */
        TEMPERATURE_RETURN
    }

    @State(Scope.Thread)
    public static class Batch {
        @Param({"UPPER_CHARGE_VOLTAGE", "VOLTAGE_DROP", "TEMPERATURE_RETURN"})
        public Rule rule;
        /** Samples per batch; fixed (the series are built for it), a parameter so the report divides by it. */
        @Param({"256"})
        public int samples;

        UnsafeBuffer frame;
        SamplesFlyweight flyweight;
        List<Reading> readings;
        RuleParameters parameters;
        UpperChargeVoltageRule upper;
        boolean upperActive;
        VoltageDropState drop;
        TemperatureReturnState temperature;
        long phaseStartMicros;
        CepRunner cep;
        EsperRunner esper;

        @Setup(Level.Trial)
        public void setup() throws Exception {
            if (samples != SAMPLES) {
                throw new IllegalArgumentException("the rule series are built for " + SAMPLES + " samples, not " + samples);
            }
            final SampleSeries series = series(rule);
            frame = series.encodeFrame();
            flyweight = new SamplesFlyweight();
            phaseStartMicros = series.timestampMicros(0);
            readings = new ArrayList<>(SAMPLES);
            for (int i = 0; i < SAMPLES; i++) {
                readings.add(new Reading(series.timestampMicros(i), series.voltage(i), series.current(i),
                    series.cellTemperature(i), series.ambientTemperature(i), series.force(i), i == 0));
            }
            parameters = new RuleParameters();
            parameters.voltageDropEnabled = true;
            parameters.voltageDropThreshold = DROP_THRESHOLD;
            parameters.voltageDropForceLimit = FORCE_LIMIT;
            parameters.temperatureReturnEnabled = true;
            parameters.validate();
            upper = new UpperChargeVoltageRule(UpperChargeVoltageRule.DEFAULT_LIMIT_VOLTS,
                UpperChargeVoltageRule.DEFAULT_HYSTERESIS_VOLTS);
            drop = new VoltageDropState();
            temperature = new TemperatureReturnState();
            cep = new CepRunner(cepPattern(rule, upper));
            esper = new EsperRunner(rule.name(), epl(rule, upper));
            verify();
        }

        private void verify() throws Exception {
            for (int batch = 0; batch < 3; batch++) {
                final int ours = runOurs(this);
                final int flinkCep = cep.process(readings);
                final int epl = esper.process(readings);
                if (batch == 0) {
                    continue; // brings every variant into its steady state (see Rule.UPPER_CHARGE_VOLTAGE)
                }
                if (ours == 0 || ours != flinkCep || ours != epl) {
                    throw new IllegalStateException(String.format(Locale.ROOT, "%s batch %d: ours raised %d alerts, "
                        + "Flink CEP %d, Esper %d; they must agree (and not be 0)", rule, batch, ours, flinkCep, epl));
                }
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            esper.close();
        }
    }

    @Benchmark
    public int ours(final Batch b) {
        return runOurs(b);
    }

    @Benchmark
    public int flinkCep(final Batch b) throws Exception {
        return b.cep.process(b.readings);
    }

    @Benchmark
    public int esper(final Batch b) {
        return b.esper.process(b.readings);
    }

    static int runOurs(final Batch b) {
        final SamplesFlyweight frame = b.flyweight.wrap(b.frame, 0);
        return switch (b.rule) {
            case UPPER_CHARGE_VOLTAGE -> upperChargeVoltage(b, frame);
            case VOLTAGE_DROP -> voltageDrop(b, frame);
            case TEMPERATURE_RETURN -> temperatureReturn(b, frame);
        };
    }

    /** Counts FIRED only (the alerts); CLEARED re-arms. */
    private static int upperChargeVoltage(final Batch b, final SamplesFlyweight frame) {
        final UpperChargeVoltageRule rule = b.upper;
        final int n = frame.sampleCount();
        boolean active = b.upperActive;
        int alerts = 0;
        for (int i = 0; i < n; i++) {
            final Transition t = rule.evaluate(active, frame.voltage(i));
            if (t == Transition.FIRED) {
                alerts++;
                active = true;
            } else if (t == Transition.CLEARED) {
                active = false;
            }
        }
        b.upperActive = active;
        return alerts;
    }

    private static int voltageDrop(final Batch b, final SamplesFlyweight frame) {
        final VoltageDropState s = b.drop;
        final RuleParameters p = b.parameters;
        VoltageDropRule.onPressStart(s, b.phaseStartMicros); // the batch's MARK frame
        final int n = frame.sampleCount();
        int alerts = 0;
        for (int i = 0; i < n; i++) {
            final int flags = frame.flags(i);
            if (VoltageDropRule.evaluate(s, p, frame.timestampMicros(i), frame.voltage(i), frame.current(i),
                frame.force(i, flags)) != VoltageDropRule.NONE) {
                alerts++;
            }
        }
        return alerts;
    }

    private static int temperatureReturn(final Batch b, final SamplesFlyweight frame) {
        final TemperatureReturnState s = b.temperature;
        final RuleParameters p = b.parameters;
        TemperatureReturnRule.onShortApplied(s, b.phaseStartMicros); // the batch's MARK frame
        final int n = frame.sampleCount();
        int alerts = 0;
        for (int i = 0; i < n; i++) {
            final int flags = frame.flags(i);
            if (TemperatureReturnRule.evaluate(s, p, frame.timestampMicros(i), frame.cellTemperature(i, flags),
                frame.ambientTemperature(i, flags), frame.current(i)) != TemperatureReturnRule.NONE) {
                alerts++;
            }
        }
        return alerts;
    }

    static SampleSeries series(final Rule rule) {
        if (rule == Rule.UPPER_CHARGE_VOLTAGE) {
            return SampleSeries.generate(SAMPLES, 42);
        }
        final long[] t = new long[SAMPLES];
        final float[] v = new float[SAMPLES];
        final float[] current = new float[SAMPLES];
        final float[] cell = new float[SAMPLES];
        final float[] ambient = new float[SAMPLES];
        final float[] force = new float[SAMPLES];
        final java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        for (int i = 0; i < SAMPLES; i++) {
            t[i] = SampleSeries.START_MICROS + i * SampleSeries.SAMPLE_PERIOD_MICROS;
            ambient[i] = 22.0f;
            if (rule == Rule.VOLTAGE_DROP) {
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

    static Pattern<Reading, ?> cepPattern(final Rule rule, final UpperChargeVoltageRule upper) {
        final AfterMatchSkipStrategy skip = AfterMatchSkipStrategy.skipPastLastEvent();
        return switch (rule) {
            case UPPER_CHARGE_VOLTAGE -> Pattern.<Reading>begin("low", skip)
                .where(new BelowRearm(rearmBelow(upper)))
                .followedBy("high").where(new AboveLimit(fireAbove(upper)));
            case VOLTAGE_DROP -> Pattern.<Reading>begin("base", skip).where(new PhaseStart())
                .followedBy("drop").where(new DroppedFromBase());
            case TEMPERATURE_RETURN -> Pattern.<Reading>begin("start", skip).where(new PhaseStart())
                .next("during").where(new TemperatureReturned(false)).oneOrMore().optional().consecutive()
                .next("end").where(new TemperatureReturned(true));
        };
    }

    static String epl(final Rule rule, final UpperChargeVoltageRule upper) {
        return switch (rule) {
            case UPPER_CHARGE_VOLTAGE -> "@name('alerts') select b.v as v from pattern [every (a=Reading(v < "
                + rearmBelow(upper) + ") -> b=Reading(v > " + fireAbove(upper) + "))]";
            case VOLTAGE_DROP -> "@name('alerts') select b.v as base, d.v as v from pattern [every "
                + "b=Reading(phaseStart = true) -> (d=Reading(b.v - v >= " + DROP_THRESHOLD + " or force >= "
                + FORCE_LIMIT + ") and not Reading(phaseStart = true))]";
            // A context partition per short; the aggregate runs over the whole partition (no window); the first
            // row that meets the criterion is the alert, the rest of the partition is suppressed.
            case TEMPERATURE_RETURN -> "create context ShortCtx initiated by Reading(phaseStart = true) "
                + "terminated by Reading(phaseStart = true);\n"
                + "@name('alerts') context ShortCtx select cellTemperature - ambient as rise from Reading "
                + "having max(cellTemperature - ambient) >= 2.0 "
                + "and cellTemperature - ambient <= 0.2 * max(cellTemperature - ambient) "
                + "output first every 1000000 events";
        };
    }

    /*
     * The thresholds the rule itself compares with: the rule widens the limit to its f32 value (see
     * UpperChargeVoltageRule); recomputed here the same way so that all three variants use the same numbers.
     */
    static double fireAbove(final UpperChargeVoltageRule upper) {
        return Math.max(upper.limitVolts(), (float) upper.limitVolts());
    }

    static double rearmBelow(final UpperChargeVoltageRule upper) {
        final double rearm = upper.limitVolts() - upper.hysteresisVolts();
        return Math.min(rearm, (float) rearm);
    }

    static final class BelowRearm extends SimpleCondition<Reading> {
        private final double level;

        BelowRearm(final double level) {
            this.level = level;
        }

        @Override
        public boolean filter(final Reading r) {
            return r.getV() < level;
        }
    }

    static final class AboveLimit extends SimpleCondition<Reading> {
        private final double level;

        AboveLimit(final double level) {
            this.level = level;
        }

        @Override
        public boolean filter(final Reading r) {
            return r.getV() > level;
        }
    }

    static final class PhaseStart extends SimpleCondition<Reading> {
        @Override
        public boolean filter(final Reading r) {
            return r.isPhaseStart();
        }
    }

    /** The drop is measured from the phase's first sample, which the condition reads back from the match. */
    static final class DroppedFromBase extends IterativeCondition<Reading> {
        @Override
        public boolean filter(final Reading r, final Context<Reading> ctx) throws Exception {
            final Reading base = ctx.getEventsForPattern("base").iterator().next();
            return base.getV() - r.getV() >= DROP_THRESHOLD || r.getForce() >= FORCE_LIMIT;
        }
    }

    /**
     * dT back within 20% of its peak since the short began (peak of at least 2 C), or (for the looping "during"
     * state) not yet. The peak is recomputed from every sample of the match so far, since a CEP condition has no
     * state of its own: this is what makes CEP's cost grow with the length of the phase.
     */
    static final class TemperatureReturned extends IterativeCondition<Reading> {
        private final boolean returned;

        TemperatureReturned(final boolean returned) {
            this.returned = returned;
        }

        @Override
        public boolean filter(final Reading r, final Context<Reading> ctx) throws Exception {
            double peak = r.rise();
            for (Reading e : ctx.getEventsForPattern("start")) {
                peak = Math.max(peak, e.rise());
            }
            for (Reading e : ctx.getEventsForPattern("during")) {
                peak = Math.max(peak, e.rise());
            }
            final boolean back = peak >= 2.0 && r.rise() <= 0.2 * peak;
            return back == returned;
        }
    }
}
