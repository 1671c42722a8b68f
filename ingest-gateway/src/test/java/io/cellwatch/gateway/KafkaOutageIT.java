package io.cellwatch.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import io.cellwatch.core.codec.AckFlyweight;
import io.cellwatch.core.codec.ChannelFlyweight;
import io.cellwatch.core.codec.FrameDescriptor;
import io.cellwatch.core.codec.FrameType;
import io.cellwatch.core.codec.HeartbeatFlyweight;
import io.cellwatch.core.codec.HelloFlyweight;
import io.cellwatch.core.codec.SamplesFlyweight;
import io.cellwatch.core.config.Settings;
import io.cellwatch.core.model.CellForm;
import io.cellwatch.core.model.ChannelDeclaration;
import io.cellwatch.core.record.TelemetryRecordFlyweight;
import io.cellwatch.kafka.embedded.EmbeddedKafkaBroker;
import org.agrona.ExpandableArrayBuffer;
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
 * A 10 s broker outage against a real broker, seen from one rig connection that never reconnects: the gateway's
 * HEARTBEATs keep arriving (its event loop never waits for Kafka), nothing is ACKed, the bytes waiting for Kafka stay
 * within the in-flight budget (the gateway stops reading the rig instead), /health says 503 with the reason; when
 * the broker is back the same connection resumes by itself, every frame is ACKed on it and is in Kafka, and /health
 * says 200 again.
 *
 * <p>The rig is a plain socket speaking the protocol (not the rig client) so the test sees every frame the gateway
 * sends, heartbeats included, and can tell that the connection was never replaced.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class KafkaOutageIT {
    private static final String SAMPLES = "cellwatch.samples";
    private static final int HEARTBEAT_MS = 1000;
    private static final int BUDGET = 128 * 1024;
    private static final int SAMPLES_PER_FRAME = 32;
    /** About 1 MB of frames sent during the outage: several times the budget. */
    private static final int OUTAGE_FRAMES = 1200;

    private EmbeddedKafkaBroker broker;
    private CellWatchGateway gateway;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        broker = EmbeddedKafkaBroker.builder().start();
        broker.createTopics(new NewTopic(SAMPLES, 2, (short) 1), new NewTopic("cellwatch.alerts", 1, (short) 1));
        gateway = new CellWatchGateway(GatewayConfig.from(Settings.of(Map.of(
            "kafka.bootstrap-servers", broker.bootstrapServers(),
            "gateway.rig-port", "0",
            "gateway.http-port", "0",
            "gateway.heartbeat-interval-ms", Integer.toString(HEARTBEAT_MS),
            "gateway.max-unacked-frames", "100000", // the byte budget, not the frame count, is what holds the rig
            "gateway.max-in-flight-bytes", Integer.toString(BUDGET),
            "gateway.kafka-buffer-memory", Integer.toString(BUDGET + (2 << 20)),
            "gateway.kafka-unreachable-ms", "2000")))).start();
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

    @Test
    void shouldKeepHeartbeatsGoingAckNothingStayWithinTheBudgetAndResumeTheSameConnectionAfterATenSecondOutage()
        throws Exception {
        try (RawRig rig = new RawRig(gateway.rigAddress())) {
            final List<Long> sent = new ArrayList<>();
            sent.add(rig.declare());
            for (int f = 0; f < 50; f++) {
                sent.add(rig.samples(f));
            }
            assertTrue(rig.awaitAcked(sent.get(sent.size() - 1), Duration.ofSeconds(30)), "acked before the outage");
            assertEquals(200, health().statusCode());

            broker.stop();
            final long outageStart = System.nanoTime();
            final long ackedBefore = rig.acked();
            final Thread writer = new Thread(() -> {
                try {
                    for (int f = 50; f < 50 + OUTAGE_FRAMES; f++) {
                        final long seq = rig.samples(f);
                        synchronized (sent) {
                            sent.add(seq);
                        }
                    }
                } catch (IOException e) {
                    // the socket closed: the assertions below say why
                }
            }, "rig-writer");
            writer.setDaemon(true);
            writer.start();

            HttpResponse<String> down = health();
            while (down.statusCode() == 200 && System.nanoTime() - outageStart < TimeUnit.SECONDS.toNanos(10)) {
                Thread.sleep(200);
                down = health();
            }
            assertEquals(503, down.statusCode(), "Kafka has been unreachable for 2 s: " + down.body());
            assertTrue(down.body().contains("Kafka unreachable"), down.body());
            Thread.sleep(Math.max(0, TimeUnit.NANOSECONDS.toMillis(outageStart + TimeUnit.SECONDS.toNanos(10)
                - System.nanoTime())));
            final long outageEnd = System.nanoTime();

            assertEquals(ackedBefore, rig.acked(), "nothing is acknowledged while Kafka is down");
            final long longestGap = rig.longestSilence(outageStart, outageEnd);
            if (longestGap > HEARTBEAT_MS * 3 / 2) {
                final StringBuilder dump = new StringBuilder("DIAG closedBy=" + rig.closedBy() + " arrivals="
                    + rig.arrivalCount() + " metrics=" + gateway.metrics().snapshot() + "\n");
                Thread.getAllStackTraces().forEach((t, st) -> {
                    dump.append("THREAD ").append(t.getName()).append(' ').append(t.getState()).append('\n');
                    for (int i = 0; i < Math.min(st.length, 25); i++) {
                        dump.append("    at ").append(st[i]).append('\n');
                    }
                });
                System.out.println(dump);
            }
            assertTrue(longestGap <= HEARTBEAT_MS * 3 / 2,
                "the gateway's heartbeats kept coming during the outage; longest silence " + longestGap + " ms");
            final Map<String, Long> m = gateway.metrics().snapshot();
            // A stopped broker leaves the producer without partition leaders: it refuses records at once, the session
            // holds them and stops reading (kafka_refused). Records the producer took before that wait in its buffer
            // and count against the budget (in_flight_bytes). Either way the gateway stopped reading the rig.
            assertTrue(m.get("read_pauses{reason=kafka_refused}") + m.get("read_pauses{reason=in_flight_bytes}") >= 1,
                "the gateway stopped reading the rig: " + m);
            assertTrue(m.get("kafka_in_flight_bytes") > 0, "frames wait for Kafka: " + m);
            // over the budget by at most what the paused connection had already read (one socket read of up to
            // 64 KiB plus the record envelopes): far below the ~1 MB the rig tried to send
            assertTrue(m.get("kafka_in_flight_bytes_max") <= 2L * BUDGET, "in flight peaked at "
                + m.get("kafka_in_flight_bytes_max") + " bytes with a budget of " + BUDGET);

            broker.start();
            writer.join(TimeUnit.SECONDS.toMillis(60));
            final long last;
            synchronized (sent) {
                assertEquals(51 + OUTAGE_FRAMES, sent.size(), "the rig got every frame out on its one connection");
                last = sent.get(sent.size() - 1);
            }
            assertTrue(rig.awaitAcked(last, Duration.ofSeconds(40)), "acked up to " + rig.acked() + " of " + last);
            assertNull(rig.closedBy(), "the same connection carried on");
            assertEquals(1L, gateway.metrics().snapshot().get("connections_opened"), "no reconnect");
            assertEquals(200, health().statusCode());
            synchronized (sent) {
                assertStored(sent);
            }
        }
    }

    private HttpResponse<String> health() throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.httpAddress().getPort()
            + "/health")).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Every sequence number sent is on the samples topic, and nothing else is. */
    private void assertStored(final List<Long> sent) {
        final Set<Long> seen = new HashSet<>();
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
                    seen.add(sequenceOf(r.value()));
                }
            }
        }
        assertEquals(new TreeSet<>(sent), new TreeSet<>(seen), "in Kafka: exactly the frames sent");
    }

    private static long sequenceOf(final byte[] value) {
        final UnsafeBuffer buf = new UnsafeBuffer(value);
        final int frame = new TelemetryRecordFlyweight().wrap(buf, 0, value.length).frameOffset();
        return buf.getLong(frame + SamplesFlyweight.SEQUENCE_OFFSET, FrameDescriptor.BYTE_ORDER);
    }

    /** A rig on a plain socket: writes frames, and records when each gateway frame arrives and the newest ACK. */
    private static final class RawRig implements AutoCloseable {
        private final Socket socket = new Socket();
        private final OutputStream out;
        private final ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(4096);
        private final List<Long> arrivals = new ArrayList<>();
        private final Thread reader;
        private long acked = -1;
        private long nextSequence = 1;
        private volatile String closedBy;
        private volatile boolean closing;

        RawRig(final InetSocketAddress gatewayAddress) throws IOException {
            socket.connect(gatewayAddress, 5_000);
            out = socket.getOutputStream();
            write(HelloFlyweight.encode(scratch, 0, FrameDescriptor.PROTOCOL_VERSION, "rigO", ""));
            reader = new Thread(this::readLoop, "rig-reader");
            reader.setDaemon(true);
            reader.start();
            final Thread heartbeats = new Thread(this::heartbeatLoop, "rig-heartbeats");
            heartbeats.setDaemon(true);
            heartbeats.start();
        }

        long declare() throws IOException {
            final long seq = nextSequence++;
            write(ChannelFlyweight.encode(scratch, 0, seq, new ChannelDeclaration(1, "rigO/ch01", "SN-O", "LOT-O",
                "cellwatch/monitor", 1, CellForm.POUCH, 2.0, Map.of())));
            return seq;
        }

        /** Writes frame number {@code f}; blocks while the gateway does not read (TCP back-pressure). */
        long samples(final int f) throws IOException {
            final long seq = nextSequence++;
            final int len = SamplesFlyweight.encodeHeader(scratch, 0, seq, 1, SAMPLES_PER_FRAME);
            for (int i = 0; i < SAMPLES_PER_FRAME; i++) {
                SamplesFlyweight.putSample(scratch, 0, i, 1_790_000_000_000_000L + (f * 32L + i) * 1000, 3.9f, 0.5f,
                    25f, Float.NaN, Float.NaN);
            }
            write(len);
            return seq;
        }

        /** As a real rig does: a quiet rig (e.g. while the test stops the broker) would be closed as silent. */
        private void heartbeatLoop() {
            final ExpandableArrayBuffer hb = new ExpandableArrayBuffer(64);
            try {
                while (!closing) {
                    final int len = HeartbeatFlyweight.encode(hb, 0, System.currentTimeMillis() * 1000);
                    synchronized (out) {
                        out.write(hb.byteArray(), 0, len);
                        out.flush();
                    }
                    Thread.sleep(HEARTBEAT_MS / 2);
                }
            } catch (IOException | InterruptedException e) {
                // closed
            }
        }

        private void write(final int length) throws IOException {
            synchronized (out) {
                out.write(scratch.byteArray(), 0, length);
                out.flush();
            }
        }

        private void readLoop() {
            try {
                final DataInputStream in = new DataInputStream(socket.getInputStream());
                final byte[] frame = new byte[64 * 1024];
                final UnsafeBuffer view = new UnsafeBuffer(frame);
                while (true) {
                    in.readFully(frame, 0, FrameDescriptor.HEADER_LENGTH);
                    final int length = view.getInt(FrameDescriptor.LENGTH_OFFSET, FrameDescriptor.BYTE_ORDER);
                    in.readFully(frame, FrameDescriptor.HEADER_LENGTH, length - FrameDescriptor.HEADER_LENGTH);
                    final int type = frame[FrameDescriptor.TYPE_OFFSET] & 0xFF;
                    synchronized (this) {
                        arrivals.add(System.nanoTime());
                        if (type == FrameType.ACK) {
                            final AckFlyweight ack = new AckFlyweight();
                            ack.wrap(view, 0);
                            acked = ack.sequence();
                            notifyAll();
                        } else if (type == FrameType.ERROR) {
                            closedBy = "gateway sent ERROR";
                        }
                    }
                }
            } catch (EOFException e) {
                if (!closing && closedBy == null) {
                    closedBy = "gateway closed the connection";
                }
            } catch (IOException e) {
                if (!closing && closedBy == null) {
                    closedBy = e.toString();
                }
            }
        }

        synchronized long acked() {
            return acked;
        }

        synchronized boolean awaitAcked(final long sequence, final Duration timeout) throws InterruptedException {
            final long deadline = System.nanoTime() + timeout.toNanos();
            while (acked < sequence && closedBy == null) {
                final long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return acked >= sequence;
        }

        /** The longest stretch in [from, to] without a frame from the gateway, in milliseconds. */
        synchronized long longestSilence(final long from, final long to) {
            long previous = from;
            long longest = 0;
            for (long t : arrivals) {
                if (t < from) {
                    continue;
                }
                if (t > to) {
                    break;
                }
                longest = Math.max(longest, t - previous);
                previous = t;
            }
            return TimeUnit.NANOSECONDS.toMillis(Math.max(longest, to - previous));
        }

        synchronized int arrivalCount() {
            return arrivals.size();
        }

        String closedBy() {
            return closedBy;
        }

        @Override
        public void close() throws IOException {
            closing = true;
            socket.close();
        }
    }
}
