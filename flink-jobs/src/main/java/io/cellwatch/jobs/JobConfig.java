package io.cellwatch.jobs;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;

import io.cellwatch.core.config.Settings;

/**
 * The stop-condition job's configuration, validated at start-up; every key is in docs/config.md.
 *
 * @param bootstrapServers      Kafka bootstrap servers
 * @param samplesTopic          input: CHANNEL / SAMPLES / MARK records keyed by channel id
 * @param alertsTopic           output: alerts as JSON, exactly once
 * @param deadLettersTopic      output: records the job could not use, with the reason in a header
 * @param groupId               consumer group of the source (offsets are also in the job's checkpoints)
 * @param checkpointIntervalMs  checkpoint interval; alerts become visible to read_committed readers at checkpoints
 * @param exactlyOnce           transactional alerts sink (true) or at-least-once (false)
 * @param transactionalIdPrefix prefix of the sink's transactional ids; unique per job on a cluster
 * @param parallelism           operator parallelism
 * @param maxParallelism        number of key groups: the upper bound of any future rescaling
 * @param sourceFetchMinBytes   the source's Kafka fetch.min.bytes: the broker answers a fetch once this much data is
 *                              there (or the wait below is over); 1 = at once, Kafka's default
 * @param sourceFetchMaxWaitMs  the source's Kafka fetch.max.wait.ms: the longest the broker holds a fetch for the
 *                              bytes above (Kafka's default 500)
 */
public record JobConfig(String bootstrapServers, String samplesTopic, String alertsTopic, String deadLettersTopic,
                        String groupId, long checkpointIntervalMs, boolean exactlyOnce, String transactionalIdPrefix,
                        int parallelism, int maxParallelism, int sourceFetchMinBytes, int sourceFetchMaxWaitMs)
    implements Serializable {

    public static final String BOOTSTRAP_SERVERS = "kafka.bootstrap-servers";
    public static final String SAMPLES_TOPIC = "topics.samples";
    public static final String ALERTS_TOPIC = "topics.alerts";
    public static final String DEAD_LETTERS_TOPIC = "topics.dead-letters";
    public static final String GROUP_ID = "job.group-id";
    public static final String CHECKPOINT_INTERVAL = "job.checkpoint-interval-ms";
    public static final String DELIVERY = "job.alerts-delivery";
    public static final String TRANSACTIONAL_ID_PREFIX = "job.transactional-id-prefix";
    public static final String PARALLELISM = "job.parallelism";
    public static final String MAX_PARALLELISM = "job.max-parallelism";
    public static final String SOURCE_FETCH_MIN_BYTES = "job.source-fetch-min-bytes";
    public static final String SOURCE_FETCH_MAX_WAIT = "job.source-fetch-max-wait-ms";

    public static final List<String> KEYS = List.of(BOOTSTRAP_SERVERS, SAMPLES_TOPIC, ALERTS_TOPIC, DEAD_LETTERS_TOPIC,
        GROUP_ID, CHECKPOINT_INTERVAL, DELIVERY, TRANSACTIONAL_ID_PREFIX, PARALLELISM, MAX_PARALLELISM,
        SOURCE_FETCH_MIN_BYTES, SOURCE_FETCH_MAX_WAIT);

    public static final String DEFAULT_DEAD_LETTERS_TOPIC = "cellwatch.dead-letters";

    public static JobConfig from(final Settings s) {
        final String delivery = s.string(DELIVERY, "exactly-once").toLowerCase(Locale.ROOT);
        if (!delivery.equals("exactly-once") && !delivery.equals("at-least-once")) {
            throw s.invalid(DELIVERY, "must be exactly-once or at-least-once");
        }
        final int parallelism = s.integer(PARALLELISM, 1, 1, 4096);
        final int maxParallelism = s.integer(MAX_PARALLELISM, 128, 1, 32768);
        if (maxParallelism < parallelism) {
            throw s.invalid(MAX_PARALLELISM, "must be at least " + PARALLELISM + " (" + parallelism + ")");
        }
        return new JobConfig(
            s.string(BOOTSTRAP_SERVERS, "127.0.0.1:9092"),
            s.string(SAMPLES_TOPIC, "cellwatch.samples"),
            s.string(ALERTS_TOPIC, "cellwatch.alerts"),
            s.string(DEAD_LETTERS_TOPIC, DEFAULT_DEAD_LETTERS_TOPIC),
            s.string(GROUP_ID, "cellwatch-stop-conditions"),
            s.longValue(CHECKPOINT_INTERVAL, 1000, 100, 3_600_000),
            delivery.equals("exactly-once"),
            s.string(TRANSACTIONAL_ID_PREFIX, "cellwatch-stop-conditions"),
            parallelism,
            maxParallelism,
            s.integer(SOURCE_FETCH_MIN_BYTES, 1, 1, 52_428_800),
            s.integer(SOURCE_FETCH_MAX_WAIT, 500, 0, 60_000));
    }

    public JobConfig withBootstrapServers(final String servers) {
        return new JobConfig(servers, samplesTopic, alertsTopic, deadLettersTopic, groupId, checkpointIntervalMs,
            exactlyOnce, transactionalIdPrefix, parallelism, maxParallelism, sourceFetchMinBytes, sourceFetchMaxWaitMs);
    }
}
