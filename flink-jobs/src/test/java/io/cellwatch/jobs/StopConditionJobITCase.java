package io.cellwatch.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.cellwatch.jobs.JobKafkaIo.ALERTS;
import static io.cellwatch.jobs.JobKafkaIo.DEAD_LETTERS;
import static io.cellwatch.jobs.JobKafkaIo.SAMPLES;
import static io.cellwatch.jobs.JobKafkaIo.STEP;
import static io.cellwatch.jobs.JobKafkaIo.awaitAlerts;
import static io.cellwatch.jobs.JobKafkaIo.awaitCheckpointedSourcePosition;
import static io.cellwatch.jobs.JobKafkaIo.producer;
import static io.cellwatch.jobs.JobKafkaIo.rows;
import static io.cellwatch.jobs.JobKafkaIo.send;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.cellwatch.core.alert.Alert;
import io.cellwatch.core.alert.AlertClass;
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
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The stop-condition job on a Flink MiniCluster with a real KRaft broker. Three rigs with skewed clocks (one real
 * time, one 3 h behind, one a day ahead) each run a different procedure; each rule fires exactly once, at its rig's
 * own sample time, and the alerts are on the alerts topic exactly once although the TaskManager is killed right
 * after two of them were written and the job restores from its last checkpoint.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class StopConditionJobITCase {
    private static final long NOW = System.currentTimeMillis() * 1000L;
    private static final long A0 = NOW;                          // rig A: accurate clock
    private static final long B0 = NOW - 3L * 3600 * 1_000_000;  // rig B: 3 h behind
    private static final long C0 = NOW + 24L * 3600 * 1_000_000; // rig C: a day ahead
    private static final String GROUP = "it-stop-conditions";

    @Test
    void shouldRaiseEachRuleOnceAtItsRigsTimeAndKeepAlertsExactlyOnceWhenTheTaskManagerDies() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().start()) {
            broker.createTopics(new NewTopic(SAMPLES, 3, (short) 1), new NewTopic(ALERTS, 2, (short) 1),
                new NewTopic(DEAD_LETTERS, 1, (short) 1));
            final String bootstrap = broker.bootstrapServers();

            final Configuration flink = new Configuration();
            flink.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
            flink.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 20);
            flink.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
            final MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
                .setConfiguration(flink).setNumTaskManagers(1).setNumSlotsPerTaskManager(2).build());
            cluster.start();
            try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
                final JobConfig config = JobConfig.from(Settings.of(Map.of(
                    JobConfig.BOOTSTRAP_SERVERS, bootstrap,
                    JobConfig.GROUP_ID, GROUP,
                    JobConfig.CHECKPOINT_INTERVAL, "1500",
                    JobConfig.TRANSACTIONAL_ID_PREFIX, "it-" + System.nanoTime())));
                final StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(flink);
                StopConditionJob.configure(env, config);
                StopConditionJob.buildWithKafka(env, config);
                final JobID job = cluster.submitJob(env.getStreamGraph()).get().getJobID();

                final TelemetryRecords rigA = new TelemetryRecords("rigA");
                final TelemetryRecords rigB = new TelemetryRecords("rigB");
                final TelemetryRecords rigC = new TelemetryRecords("rigC");

                // Phase 1: declarations and the run-up, no stop condition met yet.
                send(producer, "rigA/ch01", rigA.channel("rigA/ch01", "pse-app9/overcharge-protection", CellForm.CYLINDRICAL));
                send(producer, "rigB/ch01", rigB.channel("rigB/ch01", "pse-app9/forced-internal-short", CellForm.CYLINDRICAL));
                send(producer, "rigC/ch01", rigC.channel("rigC/ch01", "pse-app9/external-short-cell", CellForm.CYLINDRICAL));
                // A: charging at 4.20 .. 4.24 V
                send(producer, "rigA/ch01", rigA.samples(rows(A0, 5, i -> new double[] {4.20 + 0.01 * i, 1.5, 25, Double.NaN})));
                // B: press starts; baseline 4.0 V, then 1/256 V per sample (exact in f32): 5 steps = 19.5 mV
                send(producer, "rigB/ch01", rigB.mark(MarkType.PRESS_START, B0));
                send(producer, "rigB/ch01", rigB.samples(rows(B0, 6, i -> new double[] {4.0 - i / 256.0, 0, 25, Double.NaN})));
                // C: short applied; ambient 55 C; the cell heats to dT = 30 K, then cools to dT = 20 K
                send(producer, "rigC/ch01", rigC.mark(MarkType.SHORT_APPLIED, C0));
                send(producer, "rigC/ch01", rigC.samples(rows(C0, 41, i -> new double[] {
                    3.0, -20, 55 + (i <= 30 ? i : 60 - i), 55})));
                producer.flush();
                awaitCheckpointedSourcePosition(bootstrap, GROUP, 3);

                // Phase 2: A crosses 4.25 V, B reaches a 50 mV drop; kill the TaskManager as soon as both alerts are
                // written, most likely before the checkpoint that commits them.
                send(producer, "rigA/ch01", rigA.samples(rows(A0 + 5 * STEP, 3, i -> new double[] {4.25 + 0.001 * i, 1.5, 25, Double.NaN})));
                send(producer, "rigB/ch01", rigB.samples(rows(B0 + 6 * STEP, 10, i -> new double[] {4.0 - (6 + i) / 256.0, 0, 25, Double.NaN})));
                producer.flush();
                awaitAlerts(bootstrap, "read_uncommitted", a -> a.stream().filter(x -> x.alertClass() == AlertClass.SAFETY)
                    .count() >= 2, Duration.ofSeconds(60));
                cluster.terminateTaskManager(0).get();
                cluster.startTaskManager();

                // Phase 3: C comes back within 20 % of its peak after the restart.
                send(producer, "rigC/ch01", rigC.samples(rows(C0 + 41 * STEP, 20, i -> new double[] {3.0, -20, 55 + 19 - i, 55})));
                producer.flush();
                final List<Alert> committed = awaitAlerts(bootstrap, "read_committed",
                    a -> a.stream().anyMatch(x -> x.rule().equals(TemperatureReturnRule.ID)), Duration.ofSeconds(90));
                Thread.sleep(4_000); // two more checkpoints: a duplicate would be committed by now
                final List<Alert> all = awaitAlerts(bootstrap, "read_committed", a -> true, Duration.ofSeconds(5));
                assertTrue(all.size() >= committed.size());

                assertEquals(all.size(), all.stream().map(Alert::alertId).distinct().count(),
                    "no alert id is committed twice: " + all);
                // The pauses of this test are longer than the procedures' silence limits (5 s, 10 s, 60 s), so
                // data-quality 'silent' alerts are expected too; the stop conditions are what this test is about.
                final List<Alert> stops = all.stream().filter(x -> !x.rule().startsWith("data-quality/"))
                    .collect(Collectors.toList());
                assertTrue(all.stream().filter(x -> x.rule().startsWith("data-quality/"))
                    .allMatch(x -> x.rule().equals("data-quality/silent")), "only silence alerts besides: " + all);
                assertEquals(3, stops.size(), "exactly one committed stop alert per channel: " + stops);
                final Map<String, Alert> byChannel = new HashMap<>();
                stops.forEach(a -> byChannel.put(a.channelId(), a));

                final Alert a = byChannel.get("rigA/ch01");
                assertEquals(UpperChargeVoltageRule.ID, a.rule());
                assertEquals(A0 + 6 * STEP, a.sampleTimeMicros(), "4.250 does not fire, 4.251 (A's 7th sample) does");

                final Alert b = byChannel.get("rigB/ch01");
                assertEquals(VoltageDropRule.ID, b.rule());
                assertEquals("drop", b.trigger());
                // 13/256 V = 50.8 mV is the first drop >= 50 mV (12/256 = 46.9 mV); sample 13 after the baseline
                assertEquals(B0 + 13 * STEP, b.sampleTimeMicros(), "rig B's own (3 h slow) clock");
                assertEquals(4.0, b.reference(), 0);

                final Alert c = byChannel.get("rigC/ch01");
                assertEquals(TemperatureReturnRule.ID, c.rule());
                // after the restart C's dT goes 19, 18, ... ; 0.20 * 30 K = 6 K is reached at i = 13
                assertEquals(C0 + (41 + 13) * STEP, c.sampleTimeMicros(), "rig C's own (a day fast) clock");
                assertEquals(30.0, c.reference(), 1e-6);
                assertEquals(6.0, c.value(), 1e-6);

                assertEquals(JobStatus.RUNNING, cluster.getJobStatus(job).get(), "the job recovered and runs on");
                cluster.cancelJob(job).get();
            } finally {
                cluster.close();
            }
        }
    }
}
