package io.cellwatch.gateway.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes rig frames to the samples topic with an idempotent, acks=all producer: a frame is acknowledged to the
 * rig only after every in-sync replica has it, and producer retries cannot duplicate or reorder a channel's records.
 * Every send's callback is checked; a failed send fails the rig's session so the rig resends.
 */
public final class KafkaRecordPublisher implements RecordPublisher {
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;

    /** With the default compression, lz4. */
    public KafkaRecordPublisher(final String bootstrapServers, final String topic, final String clientId) {
        this(bootstrapServers, topic, clientId, "lz4");
    }

    /**
     * @param compression Kafka's {@code compression.type}. lz4 is the default: cheap to compress and decompress, and
     *                    the broker then moves and stores fewer bytes; even with everything on one box "none" was
     *                    measured worse (benchmarks/README.md, load matrix m1)
     */
    public KafkaRecordPublisher(final String bootstrapServers, final String topic, final String clientId,
                                final String compression) {
        final Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        // Records are already batches of samples; a short linger groups several rigs' frames per request
        // without adding noticeable latency to the ACK.
        p.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        // send() may block the event loop while metadata is fetched or the buffer is full; keep that bounded.
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        this.producer = new KafkaProducer<>(p);
        this.topic = topic;
    }

    @Override
    public void publish(final String channelId, final byte[] value, final Completion completion) {
        publish(channelId, channelId.getBytes(StandardCharsets.UTF_8), value, completion);
    }

    @Override
    public void publish(final String channelId, final byte[] key, final byte[] value, final Completion completion) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value), (metadata, exception) -> completion.onComplete(exception));
        } catch (RuntimeException e) {
            // send() throws synchronously when it timed out waiting for metadata or buffer space.
            completion.onComplete(e);
        }
    }

    /** Sends a record to another topic (the gateway's own alerts) with the same guarantees. */
    public void publishTo(final String otherTopic, final String key, final byte[] value, final Completion completion) {
        try {
            producer.send(new ProducerRecord<>(otherTopic, key.getBytes(StandardCharsets.UTF_8), value),
                (metadata, exception) -> completion.onComplete(exception));
        } catch (RuntimeException e) {
            completion.onComplete(e);
        }
    }

    /** Waits for every record sent so far (graceful shutdown), then closes. */
    @Override
    public void close() {
        producer.flush();
        producer.close(Duration.ofSeconds(10));
    }
}
