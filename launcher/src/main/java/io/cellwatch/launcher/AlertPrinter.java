package io.cellwatch.launcher;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import io.cellwatch.core.alert.Alert;
import io.cellwatch.core.alert.AlertJson;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Prints every committed alert as one line, as it happens: what the run command shows a person. Reads
 * read_committed, i.e. the durable record (alerts appear at the job's next checkpoint).
 */
final class AlertPrinter implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private final PrintStream out;
    private volatile boolean running = true;

    AlertPrinter(final String bootstrapServers, final String topic, final PrintStream out) {
        final Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "cellwatch-launcher-alert-printer");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        this.consumer = new KafkaConsumer<>(p);
        this.consumer.subscribe(List.of(topic));
        this.out = out;
        this.thread = new Thread(this::run, "alert-printer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(250))) {
                    try {
                        out.println(format(AlertJson.fromJson(r.value())));
                    } catch (IllegalArgumentException e) {
                        out.println("ALERT (unreadable): " + e.getMessage());
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    static String format(final Alert a) {
        return String.format("ALERT %-8s %-6s %s  %s  rule=%s value=%s threshold=%s sample-time=%s serial=%s lot=%s id=%s",
            a.alertClass(), a.action(), a.channelId(), a.reason(), a.rule(), a.value(), a.threshold(),
            Instant.EPOCH.plus(Duration.ofNanos(a.sampleTimeMicros() * 1000)), a.cellSerial(), a.lot(), a.alertId());
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
