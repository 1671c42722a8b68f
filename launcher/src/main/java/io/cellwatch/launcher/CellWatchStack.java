package io.cellwatch.launcher;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import io.cellwatch.gateway.CellWatchGateway;
import io.cellwatch.gateway.GatewayConfig;
import io.cellwatch.jobs.JobConfig;
import io.cellwatch.jobs.StopConditionJob;
import io.cellwatch.kafka.embedded.EmbeddedKafkaBroker;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole stack in one process tree, started in dependency order and stopped in reverse: a real KRaft broker
 * (child JVM) unless an external cluster is configured, the topics, the gateway, the stop-condition job on a local
 * Flink MiniCluster unless it runs on a cluster. The run command and the end-to-end tests both use this class, so
 * the tests exercise exactly what users start.
 */
public final class CellWatchStack implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CellWatchStack.class);

    private final LauncherConfig config;
    private EmbeddedKafkaBroker broker;
    private List<String> brokerJvmArgs = List.of();
    private Map<String, String> brokerProperties = Map.of();
    private Map<String, String> flinkSettings = Map.of();
    private String bootstrapServers;
    private CellWatchGateway gateway;
    private JobClient job;
    private AlertPrinter printer;

    public CellWatchStack(final LauncherConfig config) {
        this.config = config;
    }

    /**
     * Extra options for the embedded broker's JVM (after its defaults; a heap size or collector replaces the
     * default one), e.g. {@code -XX:+UseZGC} for the load harness. Call before {@link #start}.
     */
    public CellWatchStack brokerJvmArgs(final List<String> args) {
        this.brokerJvmArgs = List.copyOf(args);
        return this;
    }

    /**
     * Extra {@code server.properties} entries for the embedded broker (they win over its defaults), e.g.
     * {@code num.io.threads} for the load harness. Call before {@link #start}.
     */
    public CellWatchStack brokerProperties(final Map<String, String> properties) {
        this.brokerProperties = Map.copyOf(properties);
        return this;
    }

    /**
     * Extra Flink configuration entries for the local MiniCluster the job runs on (ignored when the job does not run
     * here), e.g. a {@code metrics.reporter.<name>.factory.class} through which the load harness reads the job's
     * checkpoint sizes. Call before {@link #start}.
     */
    public CellWatchStack flinkSettings(final Map<String, String> settings) {
        this.flinkSettings = Map.copyOf(settings);
        return this;
    }

    /** Starts everything; {@code progress} gets one line per step (null for none). */
    public CellWatchStack start(final PrintStream progress) throws Exception {
        if (config.embeddedKafka()) {
            step(progress, "starting Kafka broker (KRaft, data in " + config.dataDir().resolve("kafka") + ") ...");
            Files.createDirectories(config.dataDir());
            final EmbeddedKafkaBroker.Builder b = EmbeddedKafkaBroker.builder()
                .dataDirectory(config.dataDir().resolve("kafka").toAbsolutePath())
                .port(config.kafkaPort());
            brokerJvmArgs.forEach(b::jvmArg);
            brokerProperties.forEach(b::brokerProperty);
            broker = b.start();
            bootstrapServers = broker.bootstrapServers();
        } else {
            bootstrapServers = config.gateway().bootstrapServers();
        }
        step(progress, "Kafka at " + bootstrapServers + "; ensuring topics ...");
        final GatewayConfig gw = config.gateway().withKafka(bootstrapServers);
        final JobConfig jc = config.job().withBootstrapServers(bootstrapServers);
        if (config.embeddedKafka()) {
            TopicLayout.ensure(bootstrapServers, TopicLayout.topics(jc.samplesTopic(), jc.alertsTopic(),
                jc.deadLettersTopic(), config.samplePartitions(), (short) 1));
        } else {
            // A plant cluster's topics are created by its operators with the right replication (docs/deploy.md):
            // creating them here with replication 1 would quietly weaken the durability of every sample.
            TopicLayout.requireExisting(bootstrapServers, List.of(jc.samplesTopic(), jc.alertsTopic(),
                jc.deadLettersTopic()));
        }

        step(progress, "starting gateway ...");
        gateway = new CellWatchGateway(gw).start();

        if (config.runJob()) {
            step(progress, "starting stop-condition job on a local Flink MiniCluster ...");
            final Configuration flink = Configuration.fromMap(flinkSettings);
            flink.set(TaskManagerOptions.NUM_TASK_SLOTS, Math.max(1, jc.parallelism()));
            final StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(flink);
            job = StopConditionJob.start(env, jc);
        }
        return this;
    }

    /** Prints committed alerts to {@code out} as they happen. */
    public void printAlerts(final PrintStream out) {
        printer = new AlertPrinter(bootstrapServers, config.job().alertsTopic(), out);
    }

    private static void step(final PrintStream progress, final String line) {
        if (progress != null) {
            progress.println(line);
        }
        LOG.info(line);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public InetSocketAddress rigAddress() {
        return gateway.rigAddress();
    }

    public CellWatchGateway gateway() {
        return gateway;
    }

    public JobClient job() {
        return job;
    }

    public EmbeddedKafkaBroker broker() {
        return broker;
    }

    /** Stops in reverse order; each part is stopped even if an earlier one fails. */
    @Override
    public void close() {
        if (printer != null) {
            closeQuietly("alert printer", printer::close);
        }
        if (job != null) {
            closeQuietly("job", () -> job.cancel().get());
        }
        if (gateway != null) {
            closeQuietly("gateway", gateway::close);
        }
        if (broker != null) {
            closeQuietly("Kafka broker", broker::close);
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void closeQuietly(final String what, final Step step) {
        try {
            step.run();
        } catch (Exception e) {
            LOG.warn("stopping {} failed: {}", what, e.toString());
        }
    }
}
