package io.cellwatch.launcher;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import io.cellwatch.core.codec.FrameDescriptor;
import io.cellwatch.core.codec.FrameType;
import io.cellwatch.core.codec.SamplesFlyweight;
import io.cellwatch.core.record.TelemetryRecordFlyweight;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the samples topic back for the end-to-end fault tests: which sequence numbers of which channel are stored,
 * and how often (more than once means the rig resent a frame the gateway had stored but not yet acknowledged).
 */
final class SamplesTopicReader {
    private SamplesTopicReader() {
    }

    /** Channel id (record key) -> sequence number -> number of records carrying it, up to the end offsets now. */
    static Map<String, Map<Long, Integer>> sequencesByChannel(final String bootstrap, final String topic,
                                                              final int partitions) {
        final Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
        final Map<String, Map<Long, Integer>> seen = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            final List<TopicPartition> parts = new ArrayList<>();
            for (int i = 0; i < partitions; i++) {
                parts.add(new TopicPartition(topic, i));
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            final Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    seen.computeIfAbsent(new String(r.key(), StandardCharsets.UTF_8), k -> new HashMap<>())
                        .merge(sequenceOf(r.value()), 1, Integer::sum);
                }
            }
        }
        return seen;
    }

    /** The sequence number of the rig frame inside a samples-topic record. */
    static long sequenceOf(final byte[] value) {
        final UnsafeBuffer buf = new UnsafeBuffer(value);
        final int frame = new TelemetryRecordFlyweight().wrap(buf, 0, value.length).frameOffset();
        final int type = buf.getByte(frame + FrameDescriptor.TYPE_OFFSET) & 0xFF;
        if (!FrameType.isSequenced(type)) {
            throw new AssertionError("a " + FrameType.name(type) + " frame on the samples topic");
        }
        return buf.getLong(frame + SamplesFlyweight.SEQUENCE_OFFSET, FrameDescriptor.BYTE_ORDER);
    }
}
