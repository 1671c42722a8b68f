package io.cellwatch.jobs.kafka;

import java.nio.charset.StandardCharsets;

import io.cellwatch.jobs.stop.DeadLetter;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Dead letters to their topic: the original bytes unchanged as the value, with the reason and the source
 * position in headers, so the record can be inspected and replayed.
 */
public final class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {
    private static final long serialVersionUID = 1L;
    private final String topic;

    public DeadLetterSerializer(final String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(final DeadLetter d, final KafkaSinkContext context,
                                                    final Long timestamp) {
        final RecordHeaders headers = new RecordHeaders();
        headers.add("cellwatch.reason", d.reason.getBytes(StandardCharsets.UTF_8));
        headers.add("cellwatch.source", (d.partition + "@" + d.offset).getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(topic, null, d.channelId.getBytes(StandardCharsets.UTF_8), d.value, headers);
    }
}
