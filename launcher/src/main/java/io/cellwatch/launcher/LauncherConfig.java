package io.cellwatch.launcher;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.cellwatch.core.config.Settings;
import io.cellwatch.gateway.GatewayConfig;
import io.cellwatch.jobs.JobConfig;

/**
 * What {@code cellwatch up} starts and where. The gateway's and the job's own settings share this file and
 * these flags (they use the same names for the same things: {@code kafka.bootstrap-servers}, {@code topics.*}).
 *
 * @param dataDir          where the embedded broker keeps its data (and future local state)
 * @param embeddedKafka    start a local broker; false when {@code kafka.bootstrap-servers} names a cluster
 * @param kafkaPort        port of the embedded broker (0 = any free port)
 * @param runJob           run the job on a local MiniCluster; false when it runs on a Flink cluster
 * @param samplePartitions partitions of the samples topic when the launcher creates it
 * @param simulate         start a simulated rig
 * @param simulatedChannels channels of the simulated rig (channels 2-4 each meet one stop condition)
 * @param simulatedRateHz  samples per second per simulated channel
 * @param gateway          the gateway's configuration
 * @param job              the job's configuration
 */
public record LauncherConfig(Path dataDir, boolean embeddedKafka, int kafkaPort, boolean runJob, int samplePartitions,
                             boolean simulate, int simulatedChannels, int simulatedRateHz,
                             GatewayConfig gateway, JobConfig job) {

    public static final String DATA_DIR = "launcher.data-dir";
    public static final String KAFKA_PORT = "launcher.kafka-port";
    public static final String RUN_JOB = "launcher.run-job";
    public static final String SAMPLE_PARTITIONS = "topics.samples.partitions";
    public static final String SIMULATE = "simulator.enabled";
    public static final String SIM_CHANNELS = "simulator.channels";
    public static final String SIM_RATE = "simulator.rate-hz";

    /** Every key the launcher understands: its own plus the gateway's and the job's. */
    public static List<String> keys() {
        final Set<String> keys = new LinkedHashSet<>(List.of(DATA_DIR, KAFKA_PORT, RUN_JOB, SAMPLE_PARTITIONS,
            SIMULATE, SIM_CHANNELS, SIM_RATE));
        keys.addAll(GatewayConfig.KEYS);
        keys.addAll(JobConfig.KEYS);
        return new ArrayList<>(keys);
    }

    public static LauncherConfig from(final Settings s) {
        final boolean external = s.has(GatewayConfig.BOOTSTRAP_SERVERS);
        return new LauncherConfig(
            Path.of(s.string(DATA_DIR, ".cellwatch")),
            !external,
            s.integer(KAFKA_PORT, 0, 0, 65535),
            s.bool(RUN_JOB, true),
            s.integer(SAMPLE_PARTITIONS, 4, 1, 10_000),
            s.bool(SIMULATE, false),
            s.integer(SIM_CHANNELS, 4, 1, 10_000),
            s.integer(SIM_RATE, 10, 1, 100_000),
            GatewayConfig.from(s),
            JobConfig.from(s));
    }
}
