package io.cellwatch.gateway.kafka;

/**
 * Stores one record durably and says when it is stored. The production implementation is
 * {@link KafkaRecordPublisher}; handler unit tests use a publisher they complete by hand to drive the ACK logic.
 */
public interface RecordPublisher extends AutoCloseable {

    /** Called once per record, on a thread that is not the caller's: null on success, else the failure. */
    @FunctionalInterface
    interface Completion {
        void onComplete(Exception failure);
    }

    /**
     * Sends a record keyed by channel id. Must not block for long: it runs on a Netty event loop.
     *
     * @param channelId the key (partitioning by channel keeps a channel's records in order)
     * @param value     the record value (envelope + frame)
     */
    void publish(String channelId, byte[] value, Completion completion);

    /**
     * The same, with the key already encoded ({@code channelId} in UTF-8): a rig session encodes it once per channel
     * instead of once per record. Publishers that do not key by bytes ignore it.
     */
    default void publish(final String channelId, final byte[] key, final byte[] value, final Completion completion) {
        publish(channelId, value, completion);
    }

    /**
     * Like {@link #publish(String, byte[], byte[], Completion)}, but returns false, without calling
     * {@code completion}, when the record could not even be handed over (Kafka's producer has no metadata for the
     * topic while the brokers are away, or its buffer is full); the caller keeps the record and tries again later.
     * Publishers that cannot tell always take the record.
     */
    default boolean tryPublish(final String channelId, final byte[] key, final byte[] value,
                               final Completion completion) {
        publish(channelId, key, value, completion);
        return true;
    }

    @Override
    void close();
}
