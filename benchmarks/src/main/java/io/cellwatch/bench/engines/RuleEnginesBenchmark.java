package io.cellwatch.bench.engines;

import java.util.concurrent.TimeUnit;

import io.cellwatch.bench.codec.SampleSeries;
import io.cellwatch.core.codec.SamplesFlyweight;
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
 *       per-channel state carried from batch to batch, as the Flink job's function does ({@link OursRunner});</li>
 *   <li>{@link #flinkCep}: the same rule as a Flink CEP pattern ({@link CepPatterns}), evaluated on every sample
 *       through its NFA ({@link CepRunner}), the samples already decoded into {@link Reading} objects;</li>
 *   <li>{@link #esper}: the same rule in EPL ({@link EplRules}, {@link EsperRunner}), on the same {@link Reading}
 *       objects.</li>
 * </ul>
 * One operation is one batch; every variant returns the number of alerts the batch raised. Each benchmark method
 * builds only its own engine (one {@code @State} per engine), so a slow engine's setup cannot hold up another's
 * fork. That all three raise the same alerts is checked by {@code RuleEnginesAgreementTest}, not here.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
    "-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-XX:+AlwaysPreTouch"})
public class RuleEnginesBenchmark {

    /** The rules, with the input series each is measured on ({@link RuleInputs#series}). */
    public enum Rule {
        /**
         * The periodic charge series of {@link SampleSeries}: four alerts per batch. Fires on V above the limit,
         * re-arms below limit - hysteresis. Written for CEP and EPL as "a sample below the re-arm level, followed by
         * one above the limit", which has no alert for a series that starts inside the band; so every engine gets
         * one batch before it is measured, after which each batch starts re-armed in all of them.
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

    /** The rule and its batch, shared by the engine states of one benchmark. */
    @State(Scope.Thread)
    public static class Inputs {
        @Param({"UPPER_CHARGE_VOLTAGE", "VOLTAGE_DROP", "TEMPERATURE_RETURN"})
        public Rule rule;
        /** Samples per batch; fixed (the series are built for it), a parameter so the report divides by it. */
        @Param({"256"})
        public int samples;

        RuleInputs inputs;

        @Setup(Level.Trial)
        public void setup() {
            if (samples != RuleInputs.SAMPLES) {
                throw new IllegalArgumentException("the rule series are built for " + RuleInputs.SAMPLES
                    + " samples, not " + samples);
            }
            inputs = new RuleInputs(rule);
        }
    }

    @State(Scope.Thread)
    public static class Ours {
        OursRunner runner;

        @Setup(Level.Trial)
        public void setup(final Inputs in) {
            runner = new OursRunner(in.inputs);
            runner.process(in.inputs.frame); // the first batch brings every engine into its steady state
        }
    }

    @State(Scope.Thread)
    public static class Cep {
        CepRunner runner;

        @Setup(Level.Trial)
        public void setup(final Inputs in) throws Exception {
            runner = new CepRunner(CepPatterns.of(in.inputs));
            runner.process(in.inputs.readings);
        }
    }

    @State(Scope.Thread)
    public static class Esper {
        EsperRunner runner;

        @Setup(Level.Trial)
        public void setup(final Inputs in) {
            runner = new EsperRunner(in.rule.name(), EplRules.of(in.inputs));
            runner.process(in.inputs.readings);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            runner.close();
        }
    }

    @Benchmark
    public int ours(final Inputs in, final Ours ours) {
        return ours.runner.process(in.inputs.frame);
    }

    @Benchmark
    public int flinkCep(final Inputs in, final Cep cep) throws Exception {
        return cep.runner.process(in.inputs.readings);
    }

    @Benchmark
    public int esper(final Inputs in, final Esper esper) {
        return esper.runner.process(in.inputs.readings);
    }
}
