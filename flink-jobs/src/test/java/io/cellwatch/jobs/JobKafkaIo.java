package io.cellwatch.jobs;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import io.cellwatch.core.alert.Alert;
import io.cellwatch.core.alert.AlertJson;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * What the job ITCases do with Kafka around the job: write rig records to the samples topic as the gateway would,
 * wait until a checkpoint covered them, and read the alerts topic back.
 */
final class JobKafkaIo {
    static final String SAMPLES = "cellwatch.samples";
    static final String ALERTS = "cellwatch.alerts";
    static final String DEAD_LETTERS = "cellwatch.dead-letters";
    /** 10 Hz, in microseconds. */
    static final long STEP = 100_000;

    private JobKafkaIo() {
    }

    interface Row {
        double[] at(int i);
    }

    /** {@code n} rows {t, V, I, T_cell, T_ambient} at 10 Hz from {@code t0}. */
    static double[][] rows(final long t0, final int n, final Row row) {
        final double[][] out = new double[n][];
        for (int i = 0; i < n; i++) {
            final double[] r = row.at(i);
            out[i] = new double[] {t0 + i * STEP, r[0], r[1], r[2], r[3]};
        }
        return out;
    }

    static KafkaProducer<byte[], byte[]> producer(final String bootstrap) {
        final Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    /** Sends one record keyed by its channel id, as the gateway does, and waits for Kafka to have it. */
    static void send(final KafkaProducer<byte[], byte[]> producer, final String channelId, final byte[] value)
        throws Exception {
        producer.send(new ProducerRecord<>(SAMPLES, channelId.getBytes(StandardCharsets.UTF_8), value)).get();
    }

    /**
     * Waits until the job's source committed every record produced so far to the consumer group {@code group}. The
     * source commits on checkpoint completion, so the job's state in that checkpoint includes all those records.
     */
    static void awaitCheckpointedSourcePosition(final String bootstrap, final String group, final int partitions)
        throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            final Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(SAMPLES, p), OffsetSpec.latest());
            }
            final Map<TopicPartition, Long> ends = admin.listOffsets(latest).all().get().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            Map<TopicPartition, OffsetAndMetadata> committed = Map.of();
            while (System.nanoTime() < deadline) {
                committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
                final Map<TopicPartition, OffsetAndMetadata> c = committed;
                if (ends.entrySet().stream().allMatch(e -> e.getValue() == 0
                    || c.get(e.getKey()) != null && c.get(e.getKey()).offset() >= e.getValue())) {
                    return;
                }
                Thread.sleep(200);
            }
            throw new AssertionError("no checkpoint covered the produced records within 60 s; ends " + ends
                + ", committed " + committed);
        }
    }

    /**
     * Reads the whole alerts topic (2 partitions) with the given isolation level until {@code done} holds for what
     * was read and nothing more is there. A timeout of 5 s or less returns what was read; a longer one fails.
     */
    static List<Alert> awaitAlerts(final String bootstrap, final String isolation,
                                   final Predicate<List<Alert>> done, final Duration timeout) {
        final Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        final List<Alert> alerts = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            final List<TopicPartition> parts = List.of(new TopicPartition(ALERTS, 0), new TopicPartition(ALERTS, 1));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            final long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    alerts.add(AlertJson.fromJson(r.value()));
                }
                final Set<TopicPartition> behind = parts.stream()
                    .filter(tp -> consumer.position(tp) < consumer.endOffsets(List.of(tp)).get(tp))
                    .collect(Collectors.toSet());
                if (behind.isEmpty() && done.test(alerts)) {
                    return alerts;
                }
            }
        }
        if (timeout.toSeconds() <= 5) {
            return alerts;
        }
        throw new AssertionError("alerts (" + isolation + ") did not arrive within " + timeout + ": " + alerts);
    }
}
