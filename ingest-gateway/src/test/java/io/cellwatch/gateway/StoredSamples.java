package io.cellwatch.gateway;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

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

/** The samples inside samples-topic records, for tests that check what the gateway stored. */
public final class StoredSamples {
    private StoredSamples() {
    }

    /** One stored sample. */
    public record Sample(String channelId, long timestampMicros, float voltage) { }

    /** The samples of one record value (none for a CHANNEL or MARK record). */
    public static List<Sample> of(final String channelId, final byte[] value) {
        final UnsafeBuffer buf = new UnsafeBuffer(value);
        final TelemetryRecordFlyweight rec = new TelemetryRecordFlyweight().wrap(buf, 0, value.length);
        final List<Sample> out = new ArrayList<>();
        if ((buf.getByte(rec.frameOffset() + FrameDescriptor.TYPE_OFFSET) & 0xFF) == FrameType.SAMPLES) {
            final SamplesFlyweight s = new SamplesFlyweight().wrap(buf, rec.frameOffset());
            for (int i = 0; i < s.sampleCount(); i++) {
                out.add(new Sample(channelId, s.timestampMicros(i), s.voltage(i)));
            }
        }
        return out;
    }

    /** Every sample on a topic's partition 0..partitions-1, from the start to the current end. */
    public static List<Sample> readAll(final String bootstrapServers, final String topic, final int partitions) {
        final Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        final List<Sample> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            final List<TopicPartition> parts = new ArrayList<>();
            for (int i = 0; i < partitions; i++) {
                parts.add(new TopicPartition(topic, i));
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            final var end = c.endOffsets(parts);
            final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    out.addAll(of(new String(r.key(), java.nio.charset.StandardCharsets.UTF_8), r.value()));
                }
            }
        }
        return out;
    }
}
