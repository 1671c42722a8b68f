package io.cellwatch.kafka.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs a real broker in a child JVM. One broker serves the whole class (a start costs several seconds on
 * two cores); every test uses its own topics and leaves the broker running.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EmbeddedKafkaBrokerIT {

    private static final int N = 1_000;
    private static final Duration CONSUME_TIMEOUT = Duration.ofSeconds(60);

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.builder().start();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldDeliverEveryRecordWhenProducingIdempotentlyRightAfterCreatingTopic() throws Exception {
        String topic = uniqueTopic("samples");
        KafkaTopics.createTopics(broker.bootstrapServers(), new NewTopic(topic, 3, (short) 1));

        // No pause between creating and producing: exactly the pattern that lost records before KafkaTopics waited.
        produce(topic, 0, N);
        List<ConsumerRecord<String, String>> records = consumeWithGroup(topic, N);

        assertEquals(expectedKeys(0, N), keys(records));
        assertEquals(N, records.size(), "duplicates");
        assertEquals(Set.of(0, 1, 2), records.stream().map(ConsumerRecord::partition).collect(Collectors.toSet()));
    }

    @Test
    void shouldKeepRecordsAndAddressWhenBrokerRestarts() throws Exception {
        String topic = uniqueTopic("restart");
        broker.createTopics(new NewTopic(topic, 2, (short) 1));
        produce(topic, 0, 100);
        String before = broker.bootstrapServers();
        long pidBefore = broker.pid().orElseThrow();

        broker.restart();

        assertEquals(before, broker.bootstrapServers());
        assertNotEquals(pidBefore, broker.pid().orElseThrow());
        produce(topic, 100, 100);
        assertEquals(expectedKeys(0, 200), keys(consumeFromStart(topic, 200)));
    }

    @Test
    void shouldKeepAcknowledgedRecordsWhenBrokerIsKilledAndRestarted() throws Exception {
        String topic = uniqueTopic("kill");
        broker.createTopics(new NewTopic(topic, 3, (short) 1));
        produce(topic, 0, 300);
        long pid = broker.pid().orElseThrow();

        broker.kill();

        assertFalse(broker.isRunning());
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "broker process still alive");
        broker.restart();
        assertEquals(expectedKeys(0, 300), keys(consumeFromStart(topic, 300)));
    }

    @Test
    void shouldCommitTransactionWhenTransactionLogHasOneReplica() throws Exception {
        String topic = uniqueTopic("tx");
        broker.createTopics(new NewTopic(topic, 1, (short) 1));
        Properties config = producerConfig();
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-" + topic);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000);

        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i));
            }
            producer.commitTransaction();
        }

        Properties readCommitted = new Properties();
        readCommitted.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        assertEquals(expectedKeys(0, 10), keys(consumeFromStart(topic, 10, readCommitted)));
    }

    @Test
    void shouldAcceptExistingTopicWhenCreatedTwice() throws Exception {
        String topic = uniqueTopic("twice");
        try (Admin admin = admin()) {
            KafkaTopics.createTopics(admin, List.of(new NewTopic(topic, 2, (short) 1)));
            // The second time through the bootstrap overload, with a timeout below the admin request timeout.
            KafkaTopics.createTopics(broker.bootstrapServers(), List.of(new NewTopic(topic, 2, (short) 1)),
                    Duration.ofSeconds(10));

            assertEquals(2, admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS)
                    .get(topic).partitions().size());
        }
    }

    @Test
    void shouldNameTopicWhenItIsNotReadyInTime() {
        try (Admin admin = admin()) {
            TimeoutException e = assertThrows(TimeoutException.class, () -> KafkaTopics.awaitTopicsReady(admin,
                    List.of("never-created"), Duration.ofSeconds(1)));

            assertTrue(e.getMessage().contains("'never-created'"), e.getMessage());
        }
    }

    @Test
    void shouldNotCreateTopicWhenProducerAsksForUnknownOne() throws Exception {
        String topic = uniqueTopic("unknown");
        Properties config = producerConfig();
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_500);

        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            assertThrows(TimeoutException.class, () -> producer.partitionsFor(topic));
        }
        try (Admin admin = admin()) {
            assertFalse(admin.listTopics().names().get(10, TimeUnit.SECONDS).contains(topic));
        }
    }

    @Test
    void shouldReportLogTailAndDeleteTemporaryDirectoryWhenBrokerCannotStart() {
        EmbeddedKafkaBroker bad = EmbeddedKafkaBroker.builder()
                .brokerProperty("num.io.threads", "not-a-number")
                .startupTimeout(Duration.ofSeconds(60))
                .build();
        Path dataDirectory = bad.dataDirectory();
        try {
            EmbeddedKafkaException e = assertThrows(EmbeddedKafkaException.class, bad::start);

            assertTrue(e.getMessage().contains("not-a-number"), e.getMessage());
            assertTrue(e.getMessage().contains("Last lines of"), e.getMessage());
            assertFalse(bad.isRunning());
            assertTrue(Files.isRegularFile(bad.logFile()));
        } finally {
            bad.close();
        }
        assertFalse(Files.exists(dataDirectory), "temporary data directory left behind");
    }

    // ---------------------------------------------------------------------------------------------------------

    private static String uniqueTopic(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    private static Properties producerConfig() {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        // Fail well inside the test timeout instead of after the 120 s default.
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        return config;
    }

    /** Sends keys k{from}..k{from+count-1} and fails unless every send callback reports success. */
    private static void produce(String topic, int from, int count) throws InterruptedException {
        Queue<Exception> errors = new ConcurrentLinkedQueue<>();
        CountDownLatch acknowledged = new CountDownLatch(count);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig())) {
            for (int i = from; i < from + count; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i), (metadata, exception) -> {
                    if (exception != null) {
                        errors.add(exception);
                    }
                    acknowledged.countDown();
                });
            }
            producer.flush();
        }
        assertTrue(acknowledged.await(60, TimeUnit.SECONDS), "callbacks missing: " + acknowledged.getCount());
        assertEquals(List.of(), new ArrayList<>(errors), "failed sends");
    }

    private static Properties consumerConfig() {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return config;
    }

    /** Consumes through a consumer group, which also proves the single-replica offsets topic works. */
    private static List<ConsumerRecord<String, String>> consumeWithGroup(String topic, int expected) {
        Properties config = consumerConfig();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "group-" + topic);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<String, String>> records = pollUntil(consumer, expected);
            consumer.commitSync(Duration.ofSeconds(10));
            return records;
        }
    }

    private static List<ConsumerRecord<String, String>> consumeFromStart(String topic, int expected) {
        return consumeFromStart(topic, expected, new Properties());
    }

    private static List<ConsumerRecord<String, String>> consumeFromStart(String topic, int expected, Properties extra) {
        Properties config = consumerConfig();
        config.putAll(extra);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            return pollUntil(consumer, expected);
        }
    }

    private static List<ConsumerRecord<String, String>> pollUntil(KafkaConsumer<String, String> consumer, int expected) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        long deadline = System.nanoTime() + CONSUME_TIMEOUT.toNanos();
        while (records.size() < expected && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        // One more short poll so that duplicates beyond the expected count would show up.
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        return records;
    }

    private static Set<String> keys(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::key).collect(Collectors.toCollection(HashSet::new));
    }

    private static Set<String> expectedKeys(int from, int count) {
        return IntStream.range(from, from + count).mapToObj(i -> "k" + i).collect(Collectors.toSet());
    }
}
