package io.cellwatch.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import io.cellwatch.core.codec.FrameDescriptor;
import io.cellwatch.core.codec.FrameType;
import io.cellwatch.core.codec.SamplesFlyweight;
import io.cellwatch.core.config.Settings;
import io.cellwatch.core.model.CellForm;
import io.cellwatch.core.model.ChannelDeclaration;
import io.cellwatch.core.record.TelemetryRecordFlyweight;
import io.cellwatch.kafka.embedded.EmbeddedKafkaBroker;
import io.cellwatch.rig.RigClient;
import io.cellwatch.rig.RigListener;
import io.cellwatch.rig.SampleBatch;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The delivery guarantee against real processes: every frame the gateway acknowledged is in Kafka, through a
 * gateway restart in the middle of a stream (the rig reconnects and resends what was not acknowledged) and through
 * a 10 s broker outage (the gateway holds the rig back instead of buffering, and catches up by itself). Counted on
 * the samples topic: every sequence number sent is there, and repeats are only rig resends (removed downstream by
 * sequence number).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class GatewayResilienceIT {
    private static final String SAMPLES = "cellwatch.samples";
    private static final int FRAMES = 400;

    private EmbeddedKafkaBroker broker;
    private CellWatchGateway gateway;
    private int rigPort;

    @BeforeEach
    void start() throws Exception {
        broker = EmbeddedKafkaBroker.builder().start();
        broker.createTopics(new NewTopic(SAMPLES, 2, (short) 1), new NewTopic("cellwatch.alerts", 1, (short) 1));
        gateway = startGateway(0);
        rigPort = gateway.rigAddress().getPort();
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private CellWatchGateway startGateway(final int port) throws InterruptedException {
        return new CellWatchGateway(GatewayConfig.from(Settings.of(Map.of(
            "kafka.bootstrap-servers", broker.bootstrapServers(),
            "gateway.rig-port", Integer.toString(port),
            "gateway.http-port", "-1",
            "gateway.max-unacked-frames", "64")))).start();
    }

    @Test
    void shouldHaveEveryFrameInKafkaWhenTheGatewayRestartsMidStreamAndTheRigResends() throws Exception {
        try (RigClient rig = connect()) {
            final List<Long> sent = new ArrayList<>();
            sent.add(rig.declareChannel(declaration()));
            final SampleBatch batch = new SampleBatch(32);
            for (int f = 0; f < FRAMES; f++) {
                if (f == FRAMES / 2) {
                    gateway.close(); // flushes what Kafka still has to take, drops the connection
                    gateway = startGateway(rigPort);
                    reconnect(rig);
                }
                sent.add(sendOrQueue(rig, batch, f));
            }
            final long last = sent.get(sent.size() - 1);
            if (!rig.awaitAcked(last, Duration.ofSeconds(30))) {
                reconnect(rig); // the last frames may have gone to the closed connection
            }
            assertTrue(rig.awaitAcked(last, Duration.ofSeconds(30)), "unacked: " + rig.unackedSequences());
            assertStored(sent);
        }
    }

    @Test
    void shouldHoldTheRigBackAndCatchUpWhenKafkaIsDownForTenSeconds() throws Exception {
        try (RigClient rig = connect()) {
            final List<Long> sent = new ArrayList<>();
            sent.add(rig.declareChannel(declaration()));
            final SampleBatch batch = new SampleBatch(32);
            for (int f = 0; f < FRAMES / 2; f++) {
                sent.add(rig.sendSamples(1, fill(batch, f)));
            }
            assertTrue(rig.awaitAcked(sent.get(sent.size() - 1), Duration.ofSeconds(30)));

            broker.stop();
            final long ackedBefore = rig.ackedSequence();
            // The rig keeps sending while Kafka is down; the gateway acknowledges nothing and stops reading the
            // socket (64 frames wait for Kafka, or the producer refuses records while it knows no leader), so the
            // rig's writes back up instead of the gateway's memory.
            final Thread writer = new Thread(() -> {
                try {
                    for (int f = FRAMES / 2; f < FRAMES; f++) {
                        synchronized (sent) {
                            sent.add(rig.sendSamples(1, fill(new SampleBatch(32), f)));
                        }
                    }
                } catch (Exception e) {
                    // a write may fail if the session ends; the frames stay unacked and are resent below
                }
            }, "writer");
            writer.start();
            Thread.sleep(10_000);
            assertEquals(ackedBefore, rig.ackedSequence(), "nothing is acknowledged while Kafka is down");
            final Map<String, Long> m = gateway.metrics().snapshot();
            // paused for frames waiting (64), for the byte budget, or because the producer refused records at once
            assertTrue(m.get("backpressure_pauses") + m.get("read_pauses{reason=in_flight_bytes}")
                + m.get("read_pauses{reason=kafka_refused}") >= 1, "the gateway paused reading the rig: " + m);

            broker.start();
            writer.join(90_000);
            final long last;
            synchronized (sent) {
                last = sent.get(sent.size() - 1);
            }
            // the same connection resumes by itself: the gateway held the frames instead of failing the session
            assertTrue(rig.awaitAcked(last, Duration.ofSeconds(45)), "unacked: " + rig.unackedSequences());
            assertEquals(1L, gateway.metrics().connectionsOpened.sum(), "no reconnect");
            synchronized (sent) {
                assertStored(sent);
            }
        }
    }

    private RigClient connect() throws Exception {
        return RigClient.connect("127.0.0.1", rigPort, "rigR", "", new RigListener() { }, Duration.ofSeconds(10));
    }

    private static ChannelDeclaration declaration() {
        return new ChannelDeclaration(1, "rigR/ch01", "SN-R", "LOT-R", "cellwatch/monitor", 1, CellForm.POUCH, 2.0,
            Map.of());
    }

    private static SampleBatch fill(final SampleBatch batch, final int frame) {
        batch.clear();
        for (int i = 0; i < 32; i++) {
            batch.add(1_790_000_000_000_000L + (frame * 32L + i) * 1000, 3.9f, 0.5f, 25f, Float.NaN, Float.NaN);
        }
        return batch;
    }

    /** Sends a frame; if the connection broke, the frame stays queued in the client and is resent on reconnect. */
    private long sendOrQueue(final RigClient rig, final SampleBatch batch, final int frame) throws Exception {
        try {
            return rig.sendSamples(1, fill(batch, frame));
        } catch (java.io.IOException e) {
            reconnect(rig);
            return rig.unackedSequences().get(rig.unackedSequences().size() - 1);
        }
    }

    private static void reconnect(final RigClient rig) throws Exception {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                rig.reconnect(Duration.ofSeconds(5));
                return;
            } catch (java.io.IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    /** Every sequence number sent is on the samples topic; anything seen twice is a resend of the same frame. */
    private void assertStored(final List<Long> sent) {
        final Map<Long, Integer> seen = new HashMap<>();
        final Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            final List<TopicPartition> parts = List.of(new TopicPartition(SAMPLES, 0), new TopicPartition(SAMPLES, 1));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            final Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    seen.merge(sequenceOf(r.value()), 1, Integer::sum);
                }
            }
        }
        final Set<Long> missing = new TreeSet<>(sent);
        missing.removeAll(seen.keySet());
        assertEquals(Set.of(), missing, "frames sent but not in Kafka");
        assertEquals(new TreeSet<>(sent), new TreeSet<>(seen.keySet()), "nothing in Kafka that was not sent");
    }

    private static long sequenceOf(final byte[] value) {
        final UnsafeBuffer buf = new UnsafeBuffer(value);
        final TelemetryRecordFlyweight record = new TelemetryRecordFlyweight().wrap(buf, 0, value.length);
        final int frame = record.frameOffset();
        final int type = buf.getByte(frame + FrameDescriptor.TYPE_OFFSET) & 0xFF;
        // CHANNEL, SAMPLES and MARK all carry the sequence right after the header
        assertTrue(FrameType.isSequenced(type));
        return buf.getLong(frame + SamplesFlyweight.SEQUENCE_OFFSET, FrameDescriptor.BYTE_ORDER);
    }
}
