package io.cellwatch.gateway.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;

import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes rig frames to the samples topic with an idempotent, acks=all producer: a frame is acknowledged to the
 * rig only after every in-sync replica has it, and producer retries cannot duplicate or reorder a channel's records.
 * Every send's callback is checked; a failed send fails the rig's session so the rig resends.
 *
 * <p>{@code send()} never waits: {@code max.block.ms} is 0, the producer's buffer is sized above the rig sessions'
 * {@link io.cellwatch.gateway.tcp.InFlightBudget} (so it does not fill), and the topics' metadata is fetched at
 * start ({@link #awaitTopics}) and kept ({@code metadata.max.idle.ms} of a day). If a send still cannot go at once
 * it fails, and the caller treats that as a failed record (no ACK).
 */
public final class KafkaRecordPublisher implements RecordPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaRecordPublisher.class);

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final KafkaSendTracker tracker;

    /**
     * A send's completion, timed: the callback Kafka calls, one per record (as the lambda it replaces was). The
     * send time costs one clock read per record on the event loop; the latency is recorded on the producer's thread.
     */
    private static final class TimedCallback implements Callback {
        private final Completion completion;
        private final KafkaSendTracker tracker;
        private final long sentNanos;
        /** Set while {@code send()} runs, on the sending thread: Kafka calls back from inside it when it refuses. */
        boolean sending;
        /** Why Kafka refused the record from inside {@code send()}, or null. */
        Exception refused;

        TimedCallback(final Completion completion, final KafkaSendTracker tracker, final long sentNanos) {
            this.completion = completion;
            this.tracker = tracker;
            this.sentNanos = sentNanos;
        }

        @Override
        public void onCompletion(final RecordMetadata metadata, final Exception exception) {
            if (sending && exception instanceof TimeoutException) {
                refused = exception; // not sent at all: no metadata (brokers away) or no buffer space
                return;
            }
            tracker.completed(sentNanos, System.nanoTime(), exception);
            completion.onComplete(exception);
        }
    }

    /**
     * @param compression Kafka's {@code compression.type}. lz4 is the default: cheap to compress and decompress, and
     *                    the broker then moves and stores fewer bytes; even with everything on one box "none" was
     *                    measured worse (benchmarks/README.md, load matrix m1)
     * @param bufferMemory the producer's {@code buffer.memory}, above the rig sessions' in-flight budget
     * @param tracker     counts, times and judges every send
     */
    public KafkaRecordPublisher(final String bootstrapServers, final String topic, final String clientId,
                                final String compression, final long bufferMemory, final KafkaSendTracker tracker) {
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
        // send() runs on a Netty event loop: it must never wait for metadata or buffer space (that would stall every
        // connection of the loop, heartbeats included). The in-flight budget keeps the buffer from filling.
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 0);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, bufferMemory);
        // The gateway writes to two topics only; keep their metadata even through a quiet weekend, so that a send
        // never needs a metadata fetch (which with max.block.ms = 0 would fail the record).
        p.put(ProducerConfig.METADATA_MAX_IDLE_CONFIG, 24 * 3600 * 1000);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        this.producer = new KafkaProducer<>(p);
        this.topic = topic;
        this.tracker = tracker;
    }

    /**
     * Fetches the metadata of the given topics (and the samples topic) before the first send needs it, waiting up to
     * {@code timeout} (off the event loop: at start). Returns false if Kafka did not answer in time; sends then fail
     * until it does, and each failed send asks for the metadata again.
     */
    public boolean awaitTopics(final Duration timeout, final String... otherTopics) throws InterruptedException {
        final long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        for (String t : concat(topic, otherTopics)) {
            while (true) {
                try {
                    producer.partitionsFor(t); // with max.block.ms = 0 this asks and returns or fails at once
                    break;
                } catch (RuntimeException e) {
                    last = e;
                    if (System.nanoTime() - deadline > 0) {
                        LOG.warn("no metadata from Kafka for topic {} within {} ms: {}", t, timeout.toMillis(),
                            last.toString());
                        return false;
                    }
                    Thread.sleep(50);
                }
            }
        }
        return true;
    }

    private static String[] concat(final String first, final String... rest) {
        final String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    /** Sends counted, timed and judged for /health. */
    public KafkaSendTracker tracker() {
        return tracker;
    }

    @Override
    public void publish(final String channelId, final byte[] value, final Completion completion) {
        publish(channelId, channelId.getBytes(StandardCharsets.UTF_8), value, completion);
    }

    @Override
    public void publish(final String channelId, final byte[] key, final byte[] value, final Completion completion) {
        send(new ProducerRecord<>(topic, key, value), completion, false);
    }

    /**
     * Returns false without calling {@code completion} when the producer refuses the record from inside
     * {@code send()} (it has no partition metadata for the topic: the brokers are away; or its buffer is full), so
     * the rig session can hold the record and retry instead of failing the session.
     */
    @Override
    public boolean tryPublish(final String channelId, final byte[] key, final byte[] value,
                              final Completion completion) {
        return send(new ProducerRecord<>(topic, key, value), completion, true);
    }

    /** Sends a record to another topic (the gateway's own alerts) with the same guarantees. */
    public void publishTo(final String otherTopic, final String key, final byte[] value, final Completion completion) {
        send(new ProducerRecord<>(otherTopic, key.getBytes(StandardCharsets.UTF_8), value), completion, false);
    }

    /** @return false if {@code mayRefuse} and the producer refused the record at once (completion not called) */
    private boolean send(final ProducerRecord<byte[], byte[]> record, final Completion completion,
                         final boolean mayRefuse) {
        final long sentNanos = System.nanoTime();
        tracker.sent();
        final TimedCallback callback = new TimedCallback(completion, tracker, sentNanos);
        callback.sending = mayRefuse;
        try {
            producer.send(record, callback);
        } catch (RuntimeException e) {
            // Kafka reports most send() failures through the callback (a missing topic's metadata, a full buffer);
            // what it throws instead (e.g. a closed producer) ends as a failed record, no ACK.
            callback.sending = false;
            callback.onCompletion(null, e);
        }
        callback.sending = false;
        if (callback.refused != null) {
            tracker.refused(sentNanos, callback.refused);
            return false;
        }
        return true;
    }

    /** Waits for every record sent so far (graceful shutdown), then closes. */
    @Override
    public void close() {
        producer.flush();
        producer.close(Duration.ofSeconds(10));
    }
}
