package io.cellwatch.flinkcluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cellwatch.core.alert.Alert;
import io.cellwatch.core.alert.AlertIds;
import io.cellwatch.core.alert.AlertJson;
import io.cellwatch.core.model.CellForm;
import io.cellwatch.core.rules.UpperChargeVoltageRule;
import io.cellwatch.core.testing.TelemetryRecords;
import io.cellwatch.kafka.embedded.EmbeddedKafkaBroker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The shaded job jar, as a plant would deploy it, on a real standalone Flink session cluster (a JobManager and a
 * TaskManager JVM started from Maven Central artifacts) against a real KRaft broker: the job is submitted over the
 * REST API with command-line flags, one channel of the overcharge-protection procedure crosses 4.25 V, and the
 * alerts topic holds that one alert, committed, with the deterministic id any other run of the job (MiniCluster,
 * launcher, replay) gives the same sample.
 *
 * <p>The cluster's files stay in {@code target/flink-cluster-it/} (logs of both processes, config.yaml) for a
 * post-mortem; each run starts from an empty directory.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class StandaloneFlinkClusterIT {
    private static final String SAMPLES = "cellwatch.samples";
    private static final String ALERTS = "cellwatch.alerts";
    private static final String DEAD_LETTERS = "cellwatch.dead-letters";
    private static final String RIG = "rig-cluster-it";
    private static final String CHANNEL = RIG + "/ch01";
    private static final String PROCEDURE = "pse-app9/overcharge-protection";
    private static final long STEP = 100_000; // 10 Hz, in us

    @Test
    void shouldRunTheShadedJobOnAStandaloneClusterAndCommitExactlyOneAlertWithTheDeterministicId() throws Exception {
        final Path jobJar = jobJar();
        final Path workDirectory = Path.of(System.getProperty("basedir", "."), "target", "flink-cluster-it");
        deleteRecursively(workDirectory);

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().start()) {
            broker.createTopics(new NewTopic(SAMPLES, 2, (short) 1), new NewTopic(ALERTS, 2, (short) 1),
                new NewTopic(DEAD_LETTERS, 1, (short) 1));
            final String bootstrap = broker.bootstrapServers();

            try (StandaloneFlinkCluster flink = StandaloneFlinkCluster.builder()
                    .workDirectory(workDirectory)
                    // Tests only: C1 halves the JVMs' CPU at start-up on a 2-core machine.
                    .jvmArg("-XX:TieredStopAtLevel=1")
                    .start()) {
                System.out.printf("[flink-cluster-it] cluster ready in %d ms at %s; RSS after start: "
                        + "JobManager %s, TaskManager %s%n", flink.startupMillis(), flink.restUrl(),
                    rss(flink.jobManagerPid()), rss(flink.taskManagerPid()));

                // A bad flag: the job's main() exits; the JobManager must survive it and report the reason (only
                // JDK 17 to 23 let Flink intercept System.exit).
                if (FlinkConfig.canInterceptUserExit()) {
                    final FlinkClusterException refused = assertThrows(FlinkClusterException.class,
                        () -> flink.submitJar(jobJar, List.of("--job.parallelism=many")));
                    assertTrue(refused.getMessage().contains("job.parallelism"), refused.getMessage());
                    assertTrue(flink.isRunning(), "a bad submission does not take the JobManager down");
                }

                final String jobId = flink.submitJar(jobJar, List.of(
                    "--kafka.bootstrap-servers=" + bootstrap,
                    "--job.checkpoint-interval-ms=500",
                    "--job.group-id=it-cluster-" + System.nanoTime(),
                    "--job.transactional-id-prefix=it-cluster-" + System.nanoTime()));
                flink.awaitJobStatus(jobId, "RUNNING", Duration.ofSeconds(120));

                // One channel charging at 4.20 .. 4.24 V, then 4.250 (exactly the limit: no alert), 4.251, 4.252.
                final long t0 = System.currentTimeMillis() * 1000L;
                final TelemetryRecords rig = new TelemetryRecords(RIG);
                try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
                    send(producer, rig.channel(CHANNEL, PROCEDURE, CellForm.CYLINDRICAL));
                    send(producer, rig.samples(rows(t0, 0, 5, i -> 4.20 + 0.01 * i)));
                    send(producer, rig.samples(rows(t0, 5, 3, i -> 4.25 + 0.001 * (i - 5))));
                }
                final long expectedSampleTime = t0 + 6 * STEP;

                awaitAlerts(bootstrap, a -> a.stream().anyMatch(x -> x.rule().equals(UpperChargeVoltageRule.ID)),
                    Duration.ofSeconds(120), flink);
                Thread.sleep(2_000); // four more checkpoints: a duplicate would be committed by now
                final List<Alert> all = awaitAlerts(bootstrap, a -> true, Duration.ofSeconds(10), flink);

                final List<Alert> stops = all.stream().filter(x -> x.rule().equals(UpperChargeVoltageRule.ID))
                    .collect(Collectors.toList());
                assertEquals(1, stops.size(), "exactly one committed upper-charge-voltage alert: " + all);
                final Alert alert = stops.get(0);
                assertEquals(CHANNEL, alert.channelId());
                assertEquals(RIG, alert.rigId());
                assertEquals(PROCEDURE, alert.procedureId());
                assertEquals(expectedSampleTime, alert.sampleTimeMicros(), "4.250 does not fire, 4.251 does");
                assertEquals(4.251, alert.value(), 1e-3);
                assertEquals(AlertIds.of(CHANNEL, UpperChargeVoltageRule.ID, expectedSampleTime), alert.alertId(),
                    "the same deterministic id as on a MiniCluster");
                assertEquals(all.size(), all.stream().map(Alert::alertId).distinct().count(),
                    "no alert id committed twice: " + all);
                // The procedure's 10 s silence limit may pass while the test waits: that alert is allowed, no other.
                assertTrue(all.stream().filter(x -> x != alert)
                    .allMatch(x -> x.rule().equals("data-quality/silent")), "only silence alerts besides: " + all);

                assertEquals("RUNNING", flink.jobStatus(jobId), "the job runs on the cluster");
                flink.cancel(jobId);
                flink.awaitJobStatus(jobId, "CANCELED", Duration.ofSeconds(60));
                System.out.printf("[flink-cluster-it] RSS at the end: JobManager %s, TaskManager %s%n",
                    rss(flink.jobManagerPid()), rss(flink.taskManagerPid()));
            }
        }
    }

    /** The shaded job jar: Maven passes the path it resolved (reactor or local repository). */
    private static Path jobJar() {
        final String property = System.getProperty("cellwatch.job.jar");
        assertTrue(property != null && !property.isBlank() && !property.startsWith("${"),
            "system property cellwatch.job.jar is not set: run this test through Maven (failsafe), which resolves "
                + "io.cellwatch:flink-jobs:jar:job");
        final Path jar = Path.of(property);
        assertTrue(Files.isRegularFile(jar), "no job jar at " + jar + ": build flink-jobs first (mvn package)");
        return jar;
    }

    private interface Volts {
        double at(int i);
    }

    /** {@code n} rows {t, V, I, T_cell, T_ambient} at 10 Hz, sample indexes {@code first ..}, time from t0. */
    private static double[][] rows(final long t0, final int first, final int n, final Volts volts) {
        final double[][] out = new double[n][];
        for (int k = 0; k < n; k++) {
            final int i = first + k;
            out[k] = new double[] {t0 + i * STEP, volts.at(i), 1.5, 25, Double.NaN};
        }
        return out;
    }

    private static KafkaProducer<byte[], byte[]> producer(final String bootstrap) {
        final Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    /** Keyed by channel id, as the gateway writes; waits for the broker's ack (and so sees a failed send). */
    private static void send(final KafkaProducer<byte[], byte[]> producer, final byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(SAMPLES, CHANNEL.getBytes(StandardCharsets.UTF_8), value))
            .get(30, TimeUnit.SECONDS);
    }

    /** Reads the whole alerts topic read_committed until {@code done} holds with nothing left to read. */
    private static List<Alert> awaitAlerts(final String bootstrap, final Predicate<List<Alert>> done,
                                           final Duration timeout, final StandaloneFlinkCluster flink) {
        final Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        final List<Alert> alerts = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            final List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(ALERTS)) {
                parts.add(new TopicPartition(ALERTS, info.partition()));
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            final long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    alerts.add(AlertJson.fromJson(r.value()));
                }
                final boolean caughtUp = consumer.endOffsets(parts).entrySet().stream()
                    .allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
                if (caughtUp && done.test(alerts)) {
                    return alerts;
                }
            }
        }
        throw new AssertionError("committed alerts did not arrive within " + timeout + ": " + alerts
            + "; job logs: " + flink.taskManagerLog() + ", " + flink.jobManagerLog());
    }

    /** Resident set size from /proc (Linux); "n/a" elsewhere. */
    private static String rss(final OptionalLong pid) {
        if (pid.isEmpty()) {
            return "n/a";
        }
        try (Stream<String> lines = Files.lines(Path.of("/proc", Long.toString(pid.getAsLong()), "status"))) {
            return lines.filter(l -> l.startsWith("VmRSS:"))
                .map(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024 + " MB")
                .findFirst().orElse("n/a");
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    private static void deleteRecursively(final Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.deleteIfExists(path);
            }
        }
    }
}
