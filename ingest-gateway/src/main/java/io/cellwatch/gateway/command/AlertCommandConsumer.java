package io.cellwatch.gateway.command;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.cellwatch.core.alert.Alert;
import io.cellwatch.core.alert.AlertJson;
import io.cellwatch.gateway.metrics.GatewayMetrics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the alerts topic and hands every alert to the {@link CommandRouter}. Reads {@code read_uncommitted}: the
 * job's exactly-once sink commits alerts with its checkpoints (hundreds of ms later), and a stop command must not
 * wait for that. Every gateway instance reads every partition (manual assignment, no group rebalancing), because any
 * instance may hold the rig's connection; its position is committed under its own group id so a restart resumes.
 */
public final class AlertCommandConsumer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AlertCommandConsumer.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final CommandRouter router;
    private final GatewayMetrics metrics;
    private final Thread thread;
    private volatile boolean running = true;
    private boolean started;

    public AlertCommandConsumer(final String bootstrapServers, final String topic, final String groupId,
                                final CommandRouter router, final GatewayMetrics metrics) {
        final Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        this.consumer = new KafkaConsumer<>(p);
        this.router = router;
        this.metrics = metrics;
        assignAll(topic);
        this.thread = new Thread(this::run, "alert-command-consumer");
        this.thread.setDaemon(true);
    }

    /** Assigns every partition and fixes the start position now, so no alert raised after start-up is missed. */
    private void assignAll(final String topic) {
        final List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            consumer.close();
            throw new IllegalStateException("alerts topic '" + topic + "' does not exist; create it first");
        }
        final List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo i : infos) {
            partitions.add(new TopicPartition(topic, i.partition()));
        }
        consumer.assign(partitions);
        final Map<TopicPartition, OffsetAndMetadata> committed =
            consumer.committed(new HashSet<>(partitions), Duration.ofSeconds(30));
        final List<TopicPartition> fresh = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            final OffsetAndMetadata om = committed.get(tp);
            if (om == null) {
                fresh.add(tp);
            } else {
                consumer.seek(tp, om.offset());
            }
        }
        consumer.seekToEnd(fresh);
        for (TopicPartition tp : partitions) {
            consumer.position(tp, Duration.ofSeconds(30)); // resolve the lazy seek now, not at the first poll
        }
    }

    public void start() {
        started = true;
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                final var records = consumer.poll(Duration.ofMillis(200));
                // the start of the dispatch latency: the records are in the gateway from here on
                final long receivedNanos = System.nanoTime();
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    final Alert alert;
                    try {
                        alert = AlertJson.fromJson(r.value());
                    } catch (IllegalArgumentException e) {
                        metrics.alertsMalformed.increment();
                        LOG.warn("skipping malformed alert at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
                            e.getMessage());
                        continue;
                    }
                    router.deliver(alert, receivedNanos);
                }
                if (!records.isEmpty()) {
                    consumer.commitAsync();
                }
            }
        } catch (WakeupException e) {
            // close() woke us up
        } catch (RuntimeException e) {
            LOG.error("alert command consumer stopped: stop commands will not reach rigs until restart", e);
        } finally {
            try {
                consumer.commitSync(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.debug("final offset commit failed", e);
            }
            consumer.close(Duration.ofSeconds(5));
        }
    }

    @Override
    public void close() {
        running = false;
        if (!started) {
            consumer.close(Duration.ofSeconds(5));
            return;
        }
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
