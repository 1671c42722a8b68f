package io.cellwatch.kafka.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.server.config.AbstractKafkaConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class BrokerConfigTest {

    private static final Path LOG_DIR = Path.of("/data/kafka-logs");

    @Test
    void shouldUseOnlyKnownBrokerConfigNamesWhenBuildingDefaults() {
        // A misspelt key is only a warning in the broker log and silently keeps Kafka's default
        // (e.g. replication factor 3 for an internal topic, which a single node never satisfies).
        Set<String> known = AbstractKafkaConfig.CONFIG_DEF.names();
        for (String key : BrokerConfig.serverProperties(LOG_DIR, 9092, 9093, Map.of()).keySet()) {
            assertTrue(known.contains(key), "not a Kafka broker config: " + key);
        }
        for (String key : BrokerConfig.RESERVED_KEYS) {
            assertTrue(known.contains(key), "not a Kafka broker config: " + key);
        }
    }

    @Test
    void shouldDescribeSingleLoopbackNodeWhenGivenPorts() {
        Map<String, String> p = BrokerConfig.serverProperties(LOG_DIR, 9092, 9093, Map.of());

        assertEquals("broker,controller", p.get("process.roles"));
        assertEquals("1", p.get("node.id"));
        assertEquals("1@127.0.0.1:9093", p.get("controller.quorum.voters"));
        assertEquals("PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093", p.get("listeners"));
        assertEquals("PLAINTEXT://127.0.0.1:9092", p.get("advertised.listeners"));
        assertEquals(LOG_DIR.toAbsolutePath().toString(), p.get("log.dirs"));
        assertEquals("false", p.get("auto.create.topics.enable"));
        assertEquals("0", p.get("group.initial.rebalance.delay.ms"));
        assertEquals("2097152", p.get("log.cleaner.dedupe.buffer.size"));
        for (String key : new String[] {"offsets.topic.replication.factor", "transaction.state.log.replication.factor",
                "transaction.state.log.min.isr", "share.coordinator.state.topic.replication.factor",
                "share.coordinator.state.topic.min.isr"}) {
            assertEquals("1", p.get(key), key);
        }
        // Flink's EXACTLY_ONCE sink relies on the broker default maximum of 15 minutes.
        assertTrue(!p.containsKey("transaction.max.timeout.ms"));
    }

    @Test
    void shouldOverrideDefaultsWhenExtraPropertiesGiven() {
        Map<String, String> p = BrokerConfig.serverProperties(LOG_DIR, 9092, 9093,
                Map.of("num.partitions", "4", "log.retention.ms", "60000"));

        assertEquals("4", p.get("num.partitions"));
        assertEquals("60000", p.get("log.retention.ms"));
    }

    @Test
    void shouldRejectExtraPropertyWhenKeyIsReserved() {
        assertThrows(IllegalArgumentException.class,
                () -> BrokerConfig.serverProperties(LOG_DIR, 9092, 9093, Map.of("listeners", "PLAINTEXT://:1")));
        assertThrows(IllegalArgumentException.class,
                () -> EmbeddedKafkaBroker.builder().brokerProperty("log.dirs", "/elsewhere"));
    }

    @Test
    void shouldReadBackSameValuesWhenWrittenToFile(@TempDir Path dir) throws Exception {
        Map<String, String> extra = new HashMap<>();
        extra.put("log.retention.ms", "60000");
        extra.put("x.odd=key:with#chars", "value with spaces, \u00e9 and C:\\path");
        Map<String, String> written = BrokerConfig.serverProperties(dir.resolve("l\u00f6gs"), 1, 2, extra);
        Path file = dir.resolve("server.properties");

        BrokerConfig.write(file, written);

        // Kafka loads server.properties with Properties.load(InputStream), i.e. as ISO-8859-1.
        Properties read = new Properties();
        try (var in = Files.newInputStream(file)) {
            read.load(in);
        }
        assertEquals(written.size(), read.size());
        written.forEach((k, v) -> assertEquals(v, read.getProperty(k), k));
        for (byte b : Files.readAllBytes(file)) {
            assertTrue(b >= 0, "non-ASCII byte in server.properties: Kafka would misread it");
        }
    }
}
