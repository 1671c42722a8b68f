package io.cellwatch.jobs;

import java.nio.file.Path;
import java.util.List;

import io.cellwatch.core.alert.Alert;
import io.cellwatch.core.config.CommandLine;
import io.cellwatch.core.config.ConfigException;
import io.cellwatch.core.config.Settings;
import io.cellwatch.jobs.kafka.AlertSerializer;
import io.cellwatch.jobs.kafka.DeadLetterSerializer;
import io.cellwatch.jobs.kafka.TelemetryRecord;
import io.cellwatch.jobs.kafka.TelemetryRecordDeserializer;
import io.cellwatch.jobs.stop.DeadLetter;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The stop-condition job: reads the samples topic, evaluates every channel's stop conditions, writes alerts.
 * {@code main} is the entry point of the shaded job jar on a Flink cluster; the launcher calls
 * {@link #start(StreamExecutionEnvironment, JobConfig)} on a local MiniCluster.
 */
public final class StopConditionJob {
    /** Job name on the Flink cluster. */
    public static final String JOB_NAME = "cellwatch-stop-conditions";
    /**
     * Longest a Kafka transaction of the alerts sink may stay open. Must stay below the broker's
     * transaction.max.timeout.ms (15 min by default) or the sink fails and the job restarts forever.
     */
    static final String TRANSACTION_TIMEOUT_MS = "600000";

    private StopConditionJob() {
    }

    public static void main(final String[] args) throws Exception {
        final JobConfig config;
        try {
            final CommandLine cl = CommandLine.parse(args, List.of("help"));
            if (cl.takeSwitch("help")) {
                System.out.println(usage());
                return;
            }
            final String file = cl.take("config");
            config = JobConfig.from(Settings.load(JobConfig.KEYS, file == null ? null : Path.of(file),
                System.getenv(), cl.flags()));
        } catch (ConfigException e) {
            // No System.exit: on a Flink cluster main() runs inside the JobManager, and exiting would end it.
            // The exception fails the submission with the message instead.
            System.err.println("cellwatch-job: " + e.getMessage());
            throw new IllegalArgumentException("cellwatch-job: " + e.getMessage(), e);
        }
        final StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        configure(env, config);
        buildWithKafka(env, config);
        env.execute(JOB_NAME);
    }

    /** Submits the job without waiting for it (for the launcher and tests). */
    public static JobClient start(final StreamExecutionEnvironment env, final JobConfig config) throws Exception {
        configure(env, config);
        buildWithKafka(env, config);
        return env.executeAsync(JOB_NAME);
    }

    static void configure(final StreamExecutionEnvironment env, final JobConfig config) {
        env.setParallelism(config.parallelism());
        env.setMaxParallelism(config.maxParallelism());
        env.enableCheckpointing(config.checkpointIntervalMs(), CheckpointingMode.EXACTLY_ONCE);
        // Alerts must reach the rig fast: do not hold records in network buffers waiting to fill them.
        env.setBufferTimeout(0);
        // Every record type is a POJO or a record; a silent fallback to Kryo would be a bug, so make it fail fast.
        final Configuration strict = new Configuration();
        strict.set(PipelineOptions.GENERIC_TYPES, false);
        // Chained operators hand records over by reference instead of copying each through its serializer (at
        // parallelism 1 every ~3 KB telemetry record would be copied once). Safe here: the Kafka deserializer builds a
        // new TelemetryRecord per record, StopConditionFunction keeps no reference to an input record after
        // processElement returns (a dead letter shares the value array, but nothing writes to it afterwards), and
        // alerts are immutable records.
        strict.set(PipelineOptions.OBJECT_REUSE, true);
        env.configure(strict);
    }

    static void buildWithKafka(final StreamExecutionEnvironment env, final JobConfig config) {
        final KafkaSource<TelemetryRecord> source = KafkaSource.<TelemetryRecord>builder()
            .setBootstrapServers(config.bootstrapServers())
            .setTopics(config.samplesTopic())
            .setGroupId(config.groupId())
            .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
            .setDeserializer(new TelemetryRecordDeserializer())
            .setProperty("partition.discovery.interval.ms", "60000")
            .setProperty("fetch.min.bytes", Integer.toString(config.sourceFetchMinBytes()))
            .setProperty("fetch.max.wait.ms", Integer.toString(config.sourceFetchMaxWaitMs()))
            .build();
        final KafkaSink<Alert> alerts = KafkaSink.<Alert>builder()
            .setBootstrapServers(config.bootstrapServers())
            .setRecordSerializer(new AlertSerializer(config.alertsTopic()))
            .setDeliveryGuarantee(config.exactlyOnce() ? DeliveryGuarantee.EXACTLY_ONCE : DeliveryGuarantee.AT_LEAST_ONCE)
            .setTransactionalIdPrefix(config.transactionalIdPrefix())
            .setProperty("transaction.timeout.ms", TRANSACTION_TIMEOUT_MS)
            .setProperty("linger.ms", "0")
            .build();
        final KafkaSink<DeadLetter> deadLetters = KafkaSink.<DeadLetter>builder()
            .setBootstrapServers(config.bootstrapServers())
            .setRecordSerializer(new DeadLetterSerializer(config.deadLettersTopic()))
            .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
            .build();
        StopConditionTopology.build(env, source, alerts, deadLetters);
    }

    static String usage() {
        return String.join("\n",
            "usage: flink run cellwatch-flink-jobs-job.jar [--config FILE] [--KEY=VALUE ...]",
            "",
            "The CellWatch stop-condition job. Settings (defaults < --config file < CELLWATCH_* environment < flags),",
            "see docs/config.md:",
            "  --" + JobConfig.BOOTSTRAP_SERVERS + "=HOST:PORT      (default 127.0.0.1:9092)",
            "  --" + JobConfig.SAMPLES_TOPIC + "=NAME                  (default cellwatch.samples)",
            "  --" + JobConfig.ALERTS_TOPIC + "=NAME                   (default cellwatch.alerts)",
            "  --" + JobConfig.DEAD_LETTERS_TOPIC + "=NAME             (default cellwatch.dead-letters)",
            "  --" + JobConfig.GROUP_ID + "=NAME                 (default cellwatch-stop-conditions)",
            "  --" + JobConfig.CHECKPOINT_INTERVAL + "=MS      (default 1000)",
            "  --" + JobConfig.DELIVERY + "=exactly-once|at-least-once (default exactly-once)",
            "  --" + JobConfig.TRANSACTIONAL_ID_PREFIX + "=NAME  (default cellwatch-stop-conditions)",
            "  --" + JobConfig.PARALLELISM + "=N                (default 1)",
            "  --" + JobConfig.MAX_PARALLELISM + "=N            (default 128)",
            "  --" + JobConfig.SOURCE_FETCH_MIN_BYTES + "=N     (default 1)",
            "  --" + JobConfig.SOURCE_FETCH_MAX_WAIT + "=MS   (default 500)");
    }
}
