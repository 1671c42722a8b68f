package io.cellwatch.launcher;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import io.cellwatch.core.alert.Alert;
import io.cellwatch.core.alert.AlertJson;
import io.cellwatch.core.evaluation.DataQualityRules;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the alerts topic back for the end-to-end fault tests, {@code read_committed} (what the gateway and any
 * downstream reader of the transactional sink see).
 */
final class AlertsTopicReader {
    private AlertsTopicReader() {
    }

    /**
     * Every committed alert from the start of the topic, read until every expected id is there (or {@code timeout}),
     * then {@code grace} longer: a duplicate would be committed within a few checkpoints, so waiting ten of them
     * after the expected alerts is what makes "seen once" mean something.
     */
    static List<Alert> readCommitted(final String bootstrap, final String topic, final Set<String> expectedIds,
                                     final Duration timeout, final Duration grace) {
        final Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "alerts-reader-" + System.nanoTime());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        final List<Alert> alerts = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of(topic));
            final long deadline = System.nanoTime() + timeout.toNanos();
            long graceEnd = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, graceEnd)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    alerts.add(AlertJson.fromJson(r.value()));
                }
                if (graceEnd == Long.MAX_VALUE
                    && alerts.stream().map(Alert::alertId).collect(Collectors.toSet()).containsAll(expectedIds)) {
                    graceEnd = System.nanoTime() + grace.toNanos();
                }
            }
        }
        return alerts;
    }

    /** Alerts that depend on the data, not on wall-clock time (the silence notice) or the gateway's own checks. */
    static boolean isDataDriven(final Alert alert) {
        return !alert.rule().equals(DataQualityRules.SILENT)
            && !alert.rule().startsWith("gateway/");
    }
}
