package io.cellwatch.bench.load;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cellwatch.kafka.embedded.EmbeddedKafkaBroker;
import io.cellwatch.kafka.embedded.KafkaTopics;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.cep.CEP;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.conditions.SimpleCondition;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The naive baseline through the same harness: the same Kafka broker (child JVM), a {@link NaiveGateway} (one JSON
 * Kafka record per sample), and a Flink job on a MiniCluster in this JVM that parses every record into a
 * {@link NaiveSample} and runs the upper-charge-voltage rule as a Flink CEP pattern on the raw samples: a sample
 * at or below the 4.20 V re-arm level followed strictly by one above 4.25 V, in processing time (CEP in event time
 * would add the watermark delay). Alerts go to Kafka as JSON (at-least-once, no transaction to wait for) and back
 * to the rig as COMMANDs. Same parallelism (1), checkpoint interval (1 s) and buffer timeout (0) as CellWatch's job.
 */
final class NaivePipeline implements PipelineUnderTest {
    static final String SAMPLES = "naive.samples";
    static final String ALERTS = "naive.alerts";
    private static final double REARM_VOLTS = 4.20;
    private static final double LIMIT_VOLTS = 4.25;

    private final EmbeddedKafkaBroker broker;
    private NaiveGateway gateway;
    private JobClient job;

    NaivePipeline(final Path dataDir, final List<String> brokerJvmArgs, final PrintStream progress) throws Exception {
        Files.createDirectories(dataDir);
        progress.println("starting Kafka broker ...");
        final EmbeddedKafkaBroker.Builder b = EmbeddedKafkaBroker.builder()
            .dataDirectory(dataDir.resolve("kafka").toAbsolutePath()).port(0);
        brokerJvmArgs.forEach(b::jvmArg);
        broker = b.start();
        try {
            KafkaTopics.createTopics(broker.bootstrapServers(), List.of(new NewTopic(SAMPLES, 4, (short) 1),
                new NewTopic(ALERTS, 2, (short) 1)));
            progress.println("starting naive gateway ...");
            gateway = new NaiveGateway(broker.bootstrapServers(), SAMPLES, ALERTS);
            progress.println("starting naive Flink CEP job on a local MiniCluster ...");
            job = startJob(broker.bootstrapServers());
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    private static JobClient startJob(final String bootstrap) throws Exception {
        final StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(new Configuration());
        env.setParallelism(1);
        env.enableCheckpointing(1000, CheckpointingMode.EXACTLY_ONCE);
        env.setBufferTimeout(0);
        final Configuration strict = new Configuration();
        strict.set(PipelineOptions.GENERIC_TYPES, false);
        env.configure(strict);
        final KafkaSource<String> source = KafkaSource.<String>builder()
            .setBootstrapServers(bootstrap)
            .setTopics(SAMPLES)
            .setGroupId("naive-cep")
            .setStartingOffsets(OffsetsInitializer.earliest())
            .setValueOnlyDeserializer(new SimpleStringSchema())
            .build();
        final KafkaSink<String> sink = KafkaSink.<String>builder()
            .setBootstrapServers(bootstrap)
            .setRecordSerializer(KafkaRecordSerializationSchema.<String>builder().setTopic(ALERTS)
                .setValueSerializationSchema(new SimpleStringSchema()).build())
            .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
            .setProperty("linger.ms", "0")
            .build();
        final var samples = env.fromSource(source, WatermarkStrategy.noWatermarks(), "naive-samples")
            .map(NaivePipeline::parse).returns(NaiveSample.class).name("parse-json")
            .keyBy(s -> s.channelId);
        final Pattern<NaiveSample, NaiveSample> pattern = Pattern.<NaiveSample>begin("armed")
            .where(SimpleCondition.of(s -> s.voltage <= REARM_VOLTS))
            .next("above")
            .where(SimpleCondition.of(s -> s.voltage > LIMIT_VOLTS));
        CEP.pattern(samples, pattern).inProcessingTime()
            .select(m -> toJson(NaiveAlert.of(m.get("above").get(0))), Types.STRING).name("cep-upper-charge-voltage")
            .sinkTo(sink).name("naive-alerts");
        return env.executeAsync("naive-baseline");
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private static NaiveSample parse(final String json) throws IOException {
        return JSON.readValue(json.getBytes(StandardCharsets.UTF_8), NaiveSample.class);
    }

    private static String toJson(final NaiveAlert a) throws IOException {
        return JSON.writeValueAsString(a);
    }

    @Override
    public InetSocketAddress rigAddress() {
        return gateway.address();
    }

    @Override
    public Map<String, Long> jvmPids() {
        final Map<String, Long> pids = new LinkedHashMap<>();
        pids.put("harness JVM (rigs + naive gateway + Flink MiniCluster)", ProcessHandle.current().pid());
        broker.pid().ifPresent(pid -> pids.put("Kafka broker JVM", pid));
        return pids;
    }

    @Override
    public String describe() {
        return "naive: gateway (one JSON Kafka record per sample) -> Kafka -> Flink CEP on raw samples "
            + "(MiniCluster, p=1, processing time) -> alerts (at-least-once) -> COMMAND";
    }

    @Override
    public void close() {
        if (job != null) {
            try {
                job.cancel().get();
            } catch (Exception e) {
                System.err.println("cancelling the naive job failed: " + e);
            }
        }
        if (gateway != null) {
            gateway.close();
        }
        broker.close();
    }
}
