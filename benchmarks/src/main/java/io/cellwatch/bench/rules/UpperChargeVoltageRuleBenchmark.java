package io.cellwatch.bench.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.cellwatch.bench.codec.Sample;
import io.cellwatch.bench.codec.SampleSeries;
import io.cellwatch.core.codec.SamplesFlyweight;
import io.cellwatch.core.rules.Transition;
import io.cellwatch.core.rules.UpperChargeVoltageRule;
import org.agrona.concurrent.UnsafeBuffer;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@link UpperChargeVoltageRule} over one batch of {@code samples} samples of one channel, with the channel's
 * episode bit read from and written back to per-channel state around the batch (as the Flink job does). Every
 * variant sees the same voltages and returns the number of verdicts (FIRED + CLEARED); {@link Batch#setup} checks
 * they agree. The series fires and clears once every 64 samples, so a 256-sample batch gives 8 verdicts.
 * <ul>
 *   <li>{@link #flyweight}: ours, the job's loop: the rule straight over {@link SamplesFlyweight} (decode + rule);</li>
 *   <li>{@link #decodedBatch}: ours, the rule over voltages already decoded into a {@code float[]};</li>
 *   <li>{@link #baselineBoxedStream}: voltages as a {@code List<Double>}, evaluated in a stream with lambdas;</li>
 *   <li>{@link #baselineObjectPerEvaluation}: samples as {@link Sample} objects, and one verdict object allocated
 *       per evaluation (an event per sample, as rule engines that emit a result per input do).</li>
 * </ul>
 * A score is per batch; divide by {@code samples} for the cost per sample.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
    "-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-XX:+AlwaysPreTouch"})
public class UpperChargeVoltageRuleBenchmark {

    /** One verdict per evaluated sample: what the allocating baseline emits. */
    record Verdict(long timestampMicros, float voltage, Transition transition) {
    }

    /** One batch in every representation, from the same {@link SampleSeries}, plus the channel's episode bit. */
    @State(Scope.Thread)
    public static class Batch {
        @Param({"256"})
        public int samples;

        UpperChargeVoltageRule rule;
        UnsafeBuffer frame;
        SamplesFlyweight flyweight;
        float[] voltages;
        List<Double> boxedVoltages;
        List<Sample> sampleObjects;
        /** Per-channel state carried from batch to batch. */
        boolean episodeActive;

        @Setup(Level.Trial)
        public void setup() {
            rule = new UpperChargeVoltageRule(UpperChargeVoltageRule.DEFAULT_LIMIT_VOLTS,
                UpperChargeVoltageRule.DEFAULT_HYSTERESIS_VOLTS);
            final SampleSeries series = SampleSeries.generate(samples, 42);
            frame = series.encodeFrame();
            flyweight = new SamplesFlyweight();
            voltages = series.voltages();
            boxedVoltages = new ArrayList<>(samples);
            for (float v : voltages) {
                boxedVoltages.add((double) v);
            }
            sampleObjects = series.toSamples();
            verify();
        }

        /** Same input, same verdicts, same episode bit afterwards, for every variant. */
        private void verify() {
            final int expected = overFlyweight(this);
            final boolean expectedActive = episodeActive;
            episodeActive = false;
            check("decodedBatch", expected, expectedActive, overArray(this));
            episodeActive = false;
            check("baselineBoxedStream", expected, expectedActive, overBoxedStream(this));
            episodeActive = false;
            check("baselineObjectPerEvaluation", expected, expectedActive,
                overObjects(this, new ArrayList<>(samples)));
            if (samples >= SampleSeries.VOLTAGE_PERIOD_SAMPLES && expected == 0) {
                throw new IllegalStateException("the series should make the rule fire; got no verdicts");
            }
            episodeActive = false;
        }

        private void check(final String variant, final int expected, final boolean expectedActive, final int actual) {
            if (actual != expected || episodeActive != expectedActive) {
                throw new IllegalStateException(variant + " gave " + actual + " verdicts (episode active "
                    + episodeActive + "), expected " + expected + " (" + expectedActive + ")");
            }
        }
    }

    @Benchmark
    public int flyweight(final Batch b) {
        return overFlyweight(b);
    }

    @Benchmark
    public int decodedBatch(final Batch b) {
        return overArray(b);
    }

    @Benchmark
    public int baselineBoxedStream(final Batch b) {
        return overBoxedStream(b);
    }

    @Benchmark
    public int baselineObjectPerEvaluation(final Batch b, final Blackhole bh) {
        final List<Verdict> verdicts = new ArrayList<>(b.sampleObjects.size());
        final int count = overObjects(b, verdicts);
        bh.consume(verdicts); // the verdict events go downstream
        return count;
    }

    static int overFlyweight(final Batch b) {
        final UpperChargeVoltageRule rule = b.rule;
        final SamplesFlyweight frame = b.flyweight.wrap(b.frame, 0);
        final int n = frame.sampleCount();
        boolean active = b.episodeActive;
        int verdicts = 0;
        for (int i = 0; i < n; i++) {
            final Transition t = rule.evaluate(active, frame.voltage(i));
            if (t != Transition.NONE) {
                verdicts++;
                active = t == Transition.FIRED;
            }
        }
        b.episodeActive = active;
        return verdicts;
    }

    static int overArray(final Batch b) {
        final UpperChargeVoltageRule rule = b.rule;
        final float[] voltages = b.voltages;
        boolean active = b.episodeActive;
        int verdicts = 0;
        for (float v : voltages) {
            final Transition t = rule.evaluate(active, v);
            if (t != Transition.NONE) {
                verdicts++;
                active = t == Transition.FIRED;
            }
        }
        b.episodeActive = active;
        return verdicts;
    }

    static int overBoxedStream(final Batch b) {
        final UpperChargeVoltageRule rule = b.rule;
        final boolean[] active = {b.episodeActive};
        final long verdicts = b.boxedVoltages.stream()
            .map(v -> {
                final Transition t = rule.evaluate(active[0], v);
                if (t != Transition.NONE) {
                    active[0] = t == Transition.FIRED;
                }
                return t;
            })
            .filter(t -> t != Transition.NONE)
            .count();
        b.episodeActive = active[0];
        return (int) verdicts;
    }

    static int overObjects(final Batch b, final List<Verdict> out) {
        final UpperChargeVoltageRule rule = b.rule;
        final List<Sample> samples = b.sampleObjects;
        boolean active = b.episodeActive;
        int verdicts = 0;
        for (int i = 0, n = samples.size(); i < n; i++) {
            final Sample s = samples.get(i);
            final Verdict v = new Verdict(s.timestampMicros(), s.voltage(), rule.evaluate(active, s.voltage()));
            out.add(v);
            if (v.transition() != Transition.NONE) {
                verdicts++;
                active = v.transition() == Transition.FIRED;
            }
        }
        b.episodeActive = active;
        return verdicts;
    }
}
