package io.cellwatch.jobs.kafka;

import java.nio.charset.StandardCharsets;

import io.cellwatch.core.alert.Alert;
import io.cellwatch.core.alert.AlertJson;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Alerts to the alerts topic: key = channel id (one channel's alerts stay in order), value = alert JSON. */
public final class AlertSerializer implements KafkaRecordSerializationSchema<Alert> {
    private static final long serialVersionUID = 1L;
    private final String topic;

    public AlertSerializer(final String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(final Alert alert, final KafkaSinkContext context,
                                                    final Long timestamp) {
        return new ProducerRecord<>(topic, alert.channelId().getBytes(StandardCharsets.UTF_8), AlertJson.toJson(alert));
    }
}
