package io.cellwatch.gateway;

import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import io.cellwatch.core.alert.Alert;
import io.cellwatch.core.alert.AlertClass;
import io.cellwatch.core.alert.AlertIds;
import io.cellwatch.core.alert.AlertJson;
import io.cellwatch.core.alert.StopAction;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes alerts to the alerts topic as the Flink job does (key = channel id, value = alert JSON), so gateway tests
 * drive the closed loop without a job.
 */
final class AlertsTopicWriter implements AutoCloseable {
    private final String topic;
    private final KafkaProducer<byte[], byte[]> producer;

    AlertsTopicWriter(final String bootstrapServers, final String topic) {
        this.topic = topic;
        final Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        producer = new KafkaProducer<>(p);
    }

    /** A STOP alert (upper charge voltage) for channel {@code <rigId>/ch01}, sampled now; returns it once stored. */
    Alert raiseStop(final String rigId) throws Exception {
        final long sampleTime = System.currentTimeMillis() * 1000L;
        final String channel = rigId + "/ch01";
        final Alert a = new Alert(AlertIds.of(channel, "upper-charge-voltage", sampleTime), channel, rigId,
            "SN-" + rigId, "LOT-1", "cellwatch/monitor", 1, "upper-charge-voltage", AlertClass.SAFETY, StopAction.STOP,
            sampleTime, 4.26, Double.NaN, 4.25, "V", sampleTime + 5_000, false, "above 4.25 V", "over-limit");
        producer.send(new ProducerRecord<>(topic, channel.getBytes(StandardCharsets.UTF_8), AlertJson.toJson(a)))
            .get(30, TimeUnit.SECONDS);
        return a;
    }

    @Override
    public void close() {
        producer.close();
    }
}
