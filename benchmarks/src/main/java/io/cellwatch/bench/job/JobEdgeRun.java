package io.cellwatch.bench.job;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.cellwatch.core.codec.SamplesFlyweight;
import io.cellwatch.core.record.TelemetryRecordFlyweight;
import io.cellwatch.jobs.StopConditionTopology;
import io.cellwatch.jobs.kafka.TelemetryRecord;
import io.cellwatch.jobs.kafka.TelemetryRecordTypeInfo;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * The stop-condition topology at parallelism 1 on a MiniCluster, fed {@code records} generated 100-sample records
 * (round robin over {@code channels} channels, rising sequence numbers and sample times), in three forms run
 * interleaved in an order that rotates from round to round, {@code rounds} times (after one warm-up round):
 * <ul>
 *   <li>{@code chained}: the job as built now, source chained into stop-conditions, no serialisation;</li>
 *   <li>{@code keyByOurs}: keyBy as before, records across the edge with TelemetryRecordSerializer;</li>
 *   <li>{@code keyByPojo}: keyBy with the PojoSerializer, the job before this change.</li>
 * </ul>
 * Per run it prints wall time, this JVM's CPU time (all threads: source, operator, Flink's own) per record and per
 * sample, and the CPU other processes used meanwhile (busy ticks in /proc/stat minus ours). The record generator's
 * cost is in every form alike. A JMH class cannot see the network stack's share, hence a plain main.
 * Usage: {@code java -cp benchmarks.jar io.cellwatch.bench.job.JobEdgeRun [records] [channels] [rounds]}.
 */
public final class JobEdgeRun {
    private static final int SAMPLES_PER_FRAME = 100;
    private static final long START_MICROS = 1_767_225_600_000_000L;

    private JobEdgeRun() {
    }

    public static void main(final String[] args) throws Exception {
        final long records = args.length > 0 ? Long.parseLong(args[0]) : 200_000;
        final int channels = args.length > 1 ? Integer.parseInt(args[1]) : 1_000;
        final int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        final Map<String, List<double[]>> results = new LinkedHashMap<>();
        final String[] forms = {"chained", "keyByOurs", "keyByPojo"};
        try (MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
            .setConfiguration(new Configuration()).setNumTaskManagers(1).setNumSlotsPerTaskManager(1).build())) {
            cluster.start();
            for (int round = 0; round <= rounds; round++) {
                for (int slot = 0; slot < forms.length; slot++) {
                    final String form = forms[(slot + round) % forms.length]; // rotated: no form always runs first
                    final double[] r = run(cluster, form, records, channels);
                    System.out.printf(Locale.ROOT, "%s round %d %-10s wall %6.0f ms  cpu %6.0f ms  %7.0f cpu-ns/record"
                            + "  %5.1f cpu-ns/sample  others %.2f cores%n", round == 0 ? "warm-up" : "measure", round, form,
                        r[0], r[1], r[2], r[2] / SAMPLES_PER_FRAME, r[3]);
                    if (round > 0) {
                        results.computeIfAbsent(form, k -> new ArrayList<>()).add(r);
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "%nrecords %d x %d samples, channels %d, rounds %d (+1 warm-up)%n", records,
            SAMPLES_PER_FRAME, channels, rounds);
        for (String form : forms) {
            final List<double[]> rs = results.get(form);
            final double[] ratio = new double[rs.size()];
            for (int i = 0; i < rs.size(); i++) {
                ratio[i] = rs.get(i)[2] / results.get("chained").get(i)[2];
            }
            Arrays.sort(ratio);
            System.out.printf(Locale.ROOT, "%-10s median cpu-ns/record %7.0f  median wall %6.0f ms  cpu vs chained:"
                    + " median %.2fx (min %.2f, max %.2f)  max others %.2f cores%n", form, median(rs, 2), median(rs, 0),
                ratio[ratio.length / 2], ratio[0], ratio[ratio.length - 1], rs.stream().mapToDouble(x -> x[3]).max().orElse(0));
        }
    }

    /** One bounded job; returns {wall ms, cpu ms, cpu ns per record, other processes' cores}. */
    private static double[] run(final MiniCluster cluster, final String form, final long records, final int channels)
        throws Exception {
        final StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.setMaxParallelism(128);
        env.setBufferTimeout(0);
        final Configuration c = new Configuration();
        c.set(PipelineOptions.GENERIC_TYPES, false);
        c.set(PipelineOptions.OBJECT_REUSE, true);
        env.configure(c);
        final TypeInformation<TelemetryRecord> type = form.equals("keyByPojo")
            ? TypeInformation.of(TelemetryRecord.class) : TelemetryRecordTypeInfo.INSTANCE;
        StopConditionTopology.build(env, new DataGeneratorSource<>(new Records(channels), records, type),
            new DiscardingSink<>(), new DiscardingSink<>(), form.equals("chained"));
        final long busy0 = busyTicks();
        final long cpu0 = processCpuNanos();
        final long t0 = System.nanoTime();
        final JobID job = cluster.submitJob(env.getStreamGraph()).get().getJobID();
        if (!cluster.requestJobResult(job).get().isSuccess()) {
            throw new IllegalStateException(form + " failed: " + cluster.requestJobResult(job).get());
        }
        final double wallNs = System.nanoTime() - t0;
        final double cpuNs = processCpuNanos() - cpu0;
        final double busyNs = (busyTicks() - busy0) * 1e9 / 100; // USER_HZ is 100 on Linux
        return new double[] {wallNs / 1e6, cpuNs / 1e6, cpuNs / records, Math.max(0, busyNs - cpuNs) / wallNs};
    }

    private static double median(final List<double[]> rs, final int field) {
        final double[] v = rs.stream().mapToDouble(x -> x[field]).sorted().toArray();
        return v[v.length / 2];
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** user + nice + system + irq + softirq ticks of all CPUs. */
    private static long busyTicks() throws IOException {
        final String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        return Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
            + Long.parseLong(f[7]);
    }

    /**
     * Record {@code i}: channel {@code i % channels}, its {@code i / channels + 1}-th SAMPLES frame of 100 samples
     * at 1 kHz (3.7 V, 1.5 A, 25 C: no alerts), behind the gateway's envelope, in a new array as the Kafka consumer
     * gives it.
     */
    private static final class Records implements GeneratorFunction<Long, TelemetryRecord> {
        private static final long serialVersionUID = 1L;
        private final int channels;

        Records(final int channels) {
            this.channels = channels;
        }

        @Override
        public TelemetryRecord map(final Long index) {
            final int ch = (int) (index % channels);
            final long seq = index / channels + 1;
            final String rig = "rig" + ch;
            final int envelope = TelemetryRecordFlyweight.envelopeLength(rig);
            final byte[] value = new byte[envelope + SamplesFlyweight.frameLength(SAMPLES_PER_FRAME)];
            final UnsafeBuffer b = new UnsafeBuffer(value);
            TelemetryRecordFlyweight.encodeEnvelope(b, 0, rig, START_MICROS);
            SamplesFlyweight.encodeHeader(b, envelope, seq, 1, SAMPLES_PER_FRAME);
            final long first = START_MICROS + (seq - 1) * SAMPLES_PER_FRAME * 1_000L;
            for (int k = 0; k < SAMPLES_PER_FRAME; k++) {
                SamplesFlyweight.putSample(b, envelope, k, first + k * 1_000L, 3.7f, 1.5f, 25f, Float.NaN, Float.NaN);
            }
            return new TelemetryRecord(rig + "/ch01", value, 0, index);
        }
    }
}
