package io.cellwatch.jobs;

import static io.cellwatch.jobs.JobKafkaIo.ALERTS;
import static io.cellwatch.jobs.JobKafkaIo.DEAD_LETTERS;
import static io.cellwatch.jobs.JobKafkaIo.SAMPLES;
import static io.cellwatch.jobs.JobKafkaIo.STEP;
import static io.cellwatch.jobs.JobKafkaIo.awaitAlerts;
import static io.cellwatch.jobs.JobKafkaIo.awaitCheckpointedSourcePosition;
import static io.cellwatch.jobs.JobKafkaIo.producer;
import static io.cellwatch.jobs.JobKafkaIo.rows;
import static io.cellwatch.jobs.JobKafkaIo.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.cellwatch.core.alert.Alert;
import io.cellwatch.core.config.Settings;
import io.cellwatch.core.model.CellForm;
import io.cellwatch.core.model.MarkType;
import io.cellwatch.core.rules.TemperatureReturnRule;
import io.cellwatch.core.rules.UpperChargeVoltageRule;
import io.cellwatch.core.rules.VoltageDropRule;
import io.cellwatch.core.testing.TelemetryRecords;
import io.cellwatch.kafka.embedded.EmbeddedKafkaBroker;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.RestoredCheckpointStats;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.executiongraph.AccessExecutionJobVertex;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rescaling keeps every channel's rule state: the stop-condition job runs at parallelism 1, is stopped with a
 * savepoint mid-run, restored from it at parallelism 2, stopped with a savepoint again and restored at parallelism 1.
 * Six channels, two per rule, chosen so that at parallelism 2 one of each pair lands on each subtask (their key
 * groups move). The input is such that the alerts after a restore are right only if the state was kept:
 * <ul>
 *   <li>voltage drop: the baseline (4.0 V, the first sample after PRESS_START) is seen before the first savepoint,
 *       the 50 mV drop from it is reached only after the restore at parallelism 2;</li>
 *   <li>temperature return: the short and the peak (dT 30 K) are seen before the first savepoint, the return to
 *       20 % of the peak only after the restore at parallelism 1;</li>
 *   <li>upper charge voltage: the alert is raised before the first savepoint; after each restore the rig resends the
 *       batch that raised it (same sequence numbers) and keeps sending samples above the limit. A job without the
 *       channel's state would evaluate them as an undeclared channel and raise the alert again.</li>
 * </ul>
 * Every channel must end with exactly one committed stop alert, with its declared procedure (a lost declaration
 * would show as {@code cellwatch/monitor}), and no alert id may be committed twice.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class StopConditionJobRescaleITCase {
    private static final long T0 = System.currentTimeMillis() * 1000L;
    private static final String GROUP = "it-rescale";
    private static final int SAMPLE_PARTITIONS = 4;
    private static final int MAX_PARALLELISM = 128;
    private static final String OVERCHARGE = "pse-app9/overcharge-protection";
    private static final String INTERNAL_SHORT = "pse-app9/forced-internal-short";
    private static final String EXTERNAL_SHORT = "pse-app9/external-short-cell";

    @TempDir
    Path savepoints;

    /** One rig with one channel; its record builder numbers its frames. */
    private record Rig(String channelId, TelemetryRecords records) {
        Rig(final String channelId) {
            this(channelId, new TelemetryRecords(channelId.substring(0, channelId.indexOf('/'))));
        }
    }

    @Test
    void shouldKeepEveryChannelsRuleStateWhenTheJobIsRescaledFromOneToTwoAndBackThroughSavepoints() throws Exception {
        // Two channels per rule, one on each subtask at parallelism 2 (at parallelism 1 all are on subtask 0).
        final List<Rig> over = channelsOnBothSubtasks("rigO");
        final List<Rig> drop = channelsOnBothSubtasks("rigD");
        final List<Rig> heat = channelsOnBothSubtasks("rigH");

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().start()) {
            broker.createTopics(new NewTopic(SAMPLES, SAMPLE_PARTITIONS, (short) 1), new NewTopic(ALERTS, 2, (short) 1),
                new NewTopic(DEAD_LETTERS, 1, (short) 1));
            final String bootstrap = broker.bootstrapServers();
            final String txPrefix = "it-rescale-" + System.nanoTime(); // unchanged across restores, as in production
            final Configuration flink = new Configuration();
            final MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(flink).setNumTaskManagers(1).setNumSlotsPerTaskManager(2).build());
            cluster.start();
            try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
                final JobID first = submit(cluster, flink, bootstrap, txPrefix, 1, null);
                assertStopConditionsRunAt(cluster, first, 1);

                // Phase 1 (parallelism 1): declarations, the overcharge alert, the drop baseline, the temperature peak.
                final byte[][] crossing = new byte[2][];
                for (int k = 0; k < 2; k++) {
                    final Rig o = over.get(k);
                    send(producer, o.channelId(), o.records().channel(o.channelId(), OVERCHARGE, CellForm.CYLINDRICAL));
                    send(producer, o.channelId(), o.records().samples(rows(T0, 5, i -> new double[] {4.20 + 0.01 * i, 1.5, 25, Double.NaN})));
                    crossing[k] = o.records().samples(rows(T0 + 5 * STEP, 3, i -> new double[] {4.26 + 0.01 * i, 1.5, 25, Double.NaN}));
                    send(producer, o.channelId(), crossing[k]);

                    final Rig d = drop.get(k);
                    send(producer, d.channelId(), d.records().channel(d.channelId(), INTERNAL_SHORT, CellForm.CYLINDRICAL));
                    send(producer, d.channelId(), d.records().mark(MarkType.PRESS_START, T0));
                    // baseline 4.0 V, then 1/256 V per sample (exact in f32): 7/256 V = 27 mV, below 50 mV
                    send(producer, d.channelId(), d.records().samples(rows(T0, 8, i -> new double[] {4.0 - i / 256.0, 0, 25, Double.NaN})));

                    final Rig h = heat.get(k);
                    send(producer, h.channelId(), h.records().channel(h.channelId(), EXTERNAL_SHORT, CellForm.CYLINDRICAL));
                    send(producer, h.channelId(), h.records().mark(MarkType.SHORT_APPLIED, T0));
                    // ambient 55 C; dT rises to 30 K and falls back to 20 K (20 % of the peak is 6 K)
                    send(producer, h.channelId(), h.records().samples(rows(T0, 41, i -> new double[] {3.0, -20, 55 + (i <= 30 ? i : 60 - i), 55})));
                }
                awaitAlerts(bootstrap, "read_committed", a -> countStops(a, UpperChargeVoltageRule.ID) == 2,
                    Duration.ofSeconds(60));
                // A checkpoint covered phase 1, so the savepoint below has it in the state, not ahead in Kafka.
                awaitCheckpointedSourcePosition(bootstrap, GROUP, SAMPLE_PARTITIONS);
                final String savepoint1 = stopWithSavepoint(cluster, first);

                // Phase 2 (parallelism 2): resend the crossing batch, stay above 4.25 V; the drop reaches 50 mV.
                final JobID second = submit(cluster, flink, bootstrap, txPrefix, 2, savepoint1);
                assertStopConditionsRunAt(cluster, second, 2);
                final RestoredCheckpointStats restored1 = assertRestoredFrom(cluster, second, savepoint1);
                final byte[][] dropping = new byte[2][];
                for (int k = 0; k < 2; k++) {
                    final Rig o = over.get(k);
                    send(producer, o.channelId(), crossing[k]);
                    send(producer, o.channelId(), o.records().samples(rows(T0 + 8 * STEP, 3, i -> new double[] {4.29, 1.5, 25, Double.NaN})));
                    final Rig d = drop.get(k);
                    dropping[k] = d.records().samples(rows(T0 + 8 * STEP, 10, i -> new double[] {4.0 - (8 + i) / 256.0, 0, 25, Double.NaN}));
                    send(producer, d.channelId(), dropping[k]);
                    final Rig h = heat.get(k);
                    // dT 19 .. 10 K: still above 6 K
                    send(producer, h.channelId(), h.records().samples(rows(T0 + 41 * STEP, 10, i -> new double[] {3.0, -20, 55 + 19 - i, 55})));
                }
                awaitAlerts(bootstrap, "read_committed", a -> countStops(a, VoltageDropRule.ID) == 2, Duration.ofSeconds(60));
                awaitCheckpointedSourcePosition(bootstrap, GROUP, SAMPLE_PARTITIONS);
                final String savepoint2 = stopWithSavepoint(cluster, second);

                // Phase 3 (parallelism 1): resends of both alerting batches; the temperature returns to 20 % of its peak.
                final JobID third = submit(cluster, flink, bootstrap, txPrefix, 1, savepoint2);
                assertStopConditionsRunAt(cluster, third, 1);
                final RestoredCheckpointStats restored2 = assertRestoredFrom(cluster, third, savepoint2);
                for (int k = 0; k < 2; k++) {
                    send(producer, over.get(k).channelId(), crossing[k]);
                    send(producer, over.get(k).channelId(), over.get(k).records().samples(
                        rows(T0 + 11 * STEP, 3, i -> new double[] {4.30, 1.5, 25, Double.NaN})));
                    send(producer, drop.get(k).channelId(), dropping[k]);
                    final Rig h = heat.get(k);
                    // dT 9 .. 0 K: 6 K (<= 0.2 x 30 K) is reached at i = 3
                    send(producer, h.channelId(), h.records().samples(rows(T0 + 51 * STEP, 10, i -> new double[] {3.0, -20, 55 + 9 - i, 55})));
                }
                awaitAlerts(bootstrap, "read_committed", a -> countStops(a, TemperatureReturnRule.ID) == 2,
                    Duration.ofSeconds(60));
                awaitCheckpointedSourcePosition(bootstrap, GROUP, SAMPLE_PARTITIONS);
                Thread.sleep(2_000); // four more checkpoints: a duplicate would be committed by now
                final List<Alert> all = awaitAlerts(bootstrap, "read_committed", a -> true, Duration.ofSeconds(5));
                assertEquals(JobStatus.RUNNING, cluster.getJobStatus(third).get());
                cluster.cancelJob(third).get();

                // figures for docs/reliability.md
                System.out.printf("RESCALE 1->2->1: channels 6, savepoint sizes %d / %d bytes, committed alerts %d"
                        + " (distinct ids %d; stop alerts %d, silence notices %d)%n",
                    restored1.getStateSize(), restored2.getStateSize(), all.size(),
                    all.stream().map(Alert::alertId).distinct().count(),
                    all.stream().filter(x -> !x.rule().startsWith("data-quality/")).count(),
                    all.stream().filter(x -> x.rule().startsWith("data-quality/")).count());
                assertEquals(all.size(), all.stream().map(Alert::alertId).distinct().count(),
                    "no alert id is committed twice: " + all);
                // The pauses around the savepoints may exceed the drop procedure's 5 s silence limit.
                assertTrue(all.stream().filter(x -> x.rule().startsWith("data-quality/"))
                    .allMatch(x -> x.rule().equals("data-quality/silent")), "only silence alerts besides: " + all);
                final List<Alert> stops = all.stream().filter(x -> !x.rule().startsWith("data-quality/")).toList();
                final Map<String, List<Alert>> byChannel = stops.stream()
                    .collect(Collectors.groupingBy(Alert::channelId));
                assertEquals(6, byChannel.size(), "a stop alert for each of the six channels: " + stops);
                byChannel.forEach((channel, alerts) ->
                    assertEquals(1, alerts.size(), "exactly one stop alert on " + channel + ": " + alerts));

                for (Rig o : over) {
                    final Alert a = byChannel.get(o.channelId()).get(0);
                    assertEquals(UpperChargeVoltageRule.ID, a.rule());
                    assertEquals(OVERCHARGE, a.procedureId(), "the declaration survived both restores");
                    assertEquals(T0 + 5 * STEP, a.sampleTimeMicros(), "raised before the first savepoint, once");
                }
                for (Rig d : drop) {
                    final Alert a = byChannel.get(d.channelId()).get(0);
                    assertEquals(VoltageDropRule.ID, a.rule());
                    assertEquals(INTERNAL_SHORT, a.procedureId());
                    assertEquals(4.0, a.reference(), 0, "the baseline captured before the savepoint");
                    // 13/256 V = 50.8 mV is the first drop >= 50 mV: sample 13, the sixth after the restore
                    assertEquals(T0 + 13 * STEP, a.sampleTimeMicros());
                }
                for (Rig h : heat) {
                    final Alert a = byChannel.get(h.channelId()).get(0);
                    assertEquals(TemperatureReturnRule.ID, a.rule());
                    assertEquals(EXTERNAL_SHORT, a.procedureId());
                    assertEquals(30.0, a.reference(), 1e-6, "the peak seen before the first savepoint");
                    assertEquals(6.0, a.value(), 1e-6);
                    assertEquals(T0 + (51 + 3) * STEP, a.sampleTimeMicros());
                }
            } finally {
                cluster.close();
            }
        }
    }

    /** The first two channel ids {@code <prefix><n>/ch01} whose key groups fall on subtask 0 and 1 of 2. */
    private static List<Rig> channelsOnBothSubtasks(final String prefix) {
        final Rig[] found = new Rig[2];
        for (int n = 0; found[0] == null || found[1] == null; n++) {
            final String id = prefix + n + "/ch01";
            final int subtask = KeyGroupRangeAssignment.assignKeyToParallelOperator(id, MAX_PARALLELISM, 2);
            if (found[subtask] == null) {
                found[subtask] = new Rig(id);
            }
        }
        return List.of(found);
    }

    private static long countStops(final List<Alert> alerts, final String rule) {
        return alerts.stream().filter(a -> a.rule().equals(rule)).count();
    }

    /** Submits the job as {@code StopConditionJob} builds it, optionally restoring a savepoint. */
    private static JobID submit(final MiniCluster cluster, final Configuration flink, final String bootstrap,
                                final String txPrefix, final int parallelism, final String savepoint) throws Exception {
        final JobConfig config = JobConfig.from(Settings.of(Map.of(
            JobConfig.BOOTSTRAP_SERVERS, bootstrap,
            JobConfig.GROUP_ID, GROUP,
            JobConfig.CHECKPOINT_INTERVAL, "500",
            JobConfig.TRANSACTIONAL_ID_PREFIX, txPrefix,
            JobConfig.PARALLELISM, Integer.toString(parallelism),
            JobConfig.MAX_PARALLELISM, Integer.toString(MAX_PARALLELISM))));
        final StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
        StopConditionJob.configure(env, config);
        StopConditionJob.buildWithKafka(env, config);
        final StreamGraph graph = env.getStreamGraph();
        if (savepoint != null) {
            // not allowNonRestoredState: every operator's state in the savepoint must find its operator (by uid)
            graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(savepoint, false));
        }
        final JobID job = cluster.submitJob(graph).get().getJobID();
        awaitRunning(cluster, job);
        return job;
    }

    private String stopWithSavepoint(final MiniCluster cluster, final JobID job) throws Exception {
        // stop, not --drain: no end-of-input, so timers and episode state stay as they are
        final String path = cluster.stopWithSavepoint(job, savepoints.toUri().toString(), false,
            SavepointFormatType.CANONICAL).get(60, TimeUnit.SECONDS);
        assertTrue(cluster.requestJobResult(job).get(30, TimeUnit.SECONDS).isSuccess(),
            "stop-with-savepoint ends the job successfully");
        return path;
    }

    private static void awaitRunning(final MiniCluster cluster, final JobID job) throws Exception {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (cluster.getJobStatus(job).get() != JobStatus.RUNNING) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("job " + job + " not RUNNING within 60 s: " + cluster.getJobStatus(job).get());
            }
            Thread.sleep(100);
        }
    }

    private static void assertStopConditionsRunAt(final MiniCluster cluster, final JobID job, final int parallelism)
        throws Exception {
        final AccessExecutionGraph graph = cluster.getExecutionGraph(job).get();
        final List<String> seen = new ArrayList<>();
        for (AccessExecutionJobVertex v : graph.getVerticesTopologically()) {
            seen.add(v.getName() + " x" + v.getParallelism() + " (max " + v.getMaxParallelism() + ")");
            if (v.getName().contains("stop-conditions")) {
                assertEquals(parallelism, v.getParallelism(), "parallelism of " + v.getName());
                assertEquals(MAX_PARALLELISM, v.getMaxParallelism(), "max parallelism of " + v.getName());
                return;
            }
        }
        throw new AssertionError("no stop-conditions vertex in " + seen);
    }

    /** The running job restored the given savepoint (Flink's checkpoint statistics name the restored path). */
    private static RestoredCheckpointStats assertRestoredFrom(final MiniCluster cluster, final JobID job, final String savepoint)
        throws Exception {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        RestoredCheckpointStats restored = null;
        while (restored == null && System.nanoTime() < deadline) {
            restored = cluster.getExecutionGraph(job).get().getCheckpointStatsSnapshot().getLatestRestoredCheckpoint();
            if (restored == null) {
                Thread.sleep(100);
            }
        }
        assertNotNull(restored, "job " + job + " reports no restored checkpoint");
        assertEquals(Path.of(java.net.URI.create(savepoint)).normalize(),
            Path.of(java.net.URI.create(restored.getExternalPath())).normalize(), "restored savepoint");
        return restored;
    }
}
