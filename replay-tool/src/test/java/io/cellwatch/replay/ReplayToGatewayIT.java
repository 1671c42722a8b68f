package io.cellwatch.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.cellwatch.core.codec.FrameType;
import io.cellwatch.core.codec.MarkFlyweight;
import io.cellwatch.core.codec.SamplesFlyweight;
import io.cellwatch.core.config.Settings;
import io.cellwatch.core.model.MarkType;
import io.cellwatch.core.record.TelemetryRecordFlyweight;
import io.cellwatch.gateway.CellWatchGateway;
import io.cellwatch.gateway.GatewayConfig;
import io.cellwatch.kafka.embedded.EmbeddedKafkaBroker;
import io.cellwatch.replay.send.ReplayClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay tool against a real stack: a real Kafka broker (child JVM, KRaft) and a real gateway in this JVM.
 * The CLI is run through {@link ReplayCli#run} exactly as from the command line; the samples topic is then read
 * with a plain consumer and its records decoded.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ReplayToGatewayIT {
    private static final String SAMPLES_TOPIC = "cellwatch.samples";
    private static final String START = "2026-01-01T00:00:00Z";
    private static final long START_MICROS = 1_767_225_600_000_000L;

    private static EmbeddedKafkaBroker broker;
    private static CellWatchGateway gateway;

    @BeforeAll
    @Timeout(value = 120, unit = TimeUnit.SECONDS) // the class-level timeout covers test methods only
    static void startStack() throws Exception {
        broker = EmbeddedKafkaBroker.builder().start();
        broker.createTopics(new NewTopic(SAMPLES_TOPIC, 2, (short) 1), new NewTopic("cellwatch.alerts", 1, (short) 1));
        gateway = new CellWatchGateway(GatewayConfig.from(Settings.of(Map.of(
            "kafka.bootstrap-servers", broker.bootstrapServers(),
            "gateway.rig-port", "0",
            "gateway.http-port", "-1")))).start();
    }

    @AfterAll
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    static void stopStack() {
        if (gateway != null) {
            gateway.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldAckEveryFrameAndStoreEveryBatchWhenReplayingAtMaxSpeed() throws Exception {
        final Path run = Path.of(ReplayToGatewayIT.class.getResource("/runs/cc-charge-250.csv").toURI());
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final ReplayCli cli = new ReplayCli(new CliContext(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), Clock.systemUTC(), ReplayClock.SYSTEM));
        final int port = gateway.rigAddress().getPort();
        try {
            final int exit = cli.run("replay", "--gateway", "127.0.0.1:" + port, "--rig", "rigIT",
                "--channel", "rigIT/ch01", "--serial", "SN-IT-1", "--lot", "LOT-IT", "--capacity-ah", "2.5",
                "--upper-charge-voltage", "4.25", "--speed", "max", "--batch", "100", "--start-time", START,
                "--ack-timeout", "60s", "--await-commands", "0", run.toString()); // no job here: no COMMAND comes

            assertEquals(ExitCode.OK, exit, "exit code");
            assertTrue(text(out).contains("acknowledged 4/4 frames (250 rows)"), "summary");
            assertTrue(text(out).contains("done: every frame acknowledged"), "done line");

            // One CHANNEL record and 250 rows in ceil(250 / 100) = 3 SAMPLES records, nothing else.
            final List<ConsumerRecord<String, byte[]>> records = ofKey(readSamplesTopic("rigIT/ch01", 4,
                Duration.ofSeconds(60)), "rigIT/ch01");
            assertEquals(4, records.size(), "records in " + SAMPLES_TOPIC);

            int channels = 0;
            final List<Long> times = new ArrayList<>();
            final List<Float> voltages = new ArrayList<>();
            final List<Float> ambients = new ArrayList<>();
            final TelemetryRecordFlyweight envelope = new TelemetryRecordFlyweight();
            final SamplesFlyweight samples = new SamplesFlyweight();
            for (ConsumerRecord<String, byte[]> r : records) {
                assertEquals("rigIT/ch01", r.key());
                final UnsafeBuffer buffer = new UnsafeBuffer(r.value());
                envelope.wrap(buffer, 0, r.value().length);
                assertNull(envelope.validate());
                assertEquals("rigIT", envelope.rigId());
                final int type = buffer.getByte(envelope.frameOffset() + 4) & 0xFF;
                if (type == FrameType.CHANNEL) {
                    channels++;
                    continue;
                }
                assertEquals(FrameType.SAMPLES, type);
                samples.wrap(buffer, envelope.frameOffset());
                for (int i = 0; i < samples.sampleCount(); i++) {
                    times.add(samples.timestampMicros(i));
                    voltages.add(samples.voltage(i));
                    ambients.add(samples.ambientTemperature(i));
                }
            }
            assertEquals(1, channels, "CHANNEL records");
            assertEquals(250, times.size(), "samples");
            // Rig time = --start-time + time_s, and the records of one channel arrive in order.
            assertEquals(START_MICROS, times.get(0));
            assertEquals(START_MICROS + 100_000, times.get(1));
            assertEquals(START_MICROS + 24_900_000, times.get(249));
            assertEquals(4.13f, voltages.get(0));
            assertEquals(4.2545f, voltages.get(249));
            assertEquals(25.0f, ambients.get(0));
            assertTrue(Float.isNaN(ambients.get(1)), "blank ambient cell travels as absent");
        } catch (AssertionError | RuntimeException e) {
            System.err.println("---- replay stdout ----\n" + text(out) + "---- replay stderr ----\n" + text(err)
                + "---- broker log (tail) ----\n" + brokerLogTail());
            throw e;
        }
    }

    @Test
    void shouldSendMarksBetweenTheSamplesWithTheFilesOwnTimesWhenReplayingARunFile(@TempDir final Path dir)
        throws Exception {
        final Path csv = Path.of(ReplayToGatewayIT.class.getResource("/runs/cc-charge-250.csv").toURI());
        final Path runFile = dir.resolve("cc-charge-250.cwrun");
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final ReplayCli cli = new ReplayCli(new CliContext(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), Clock.systemUTC(), ReplayClock.SYSTEM));
        try {
            assertEquals(ExitCode.OK, cli.run("import", "--output", runFile.toString(), "--rig", "rigRF",
                "--channel", "rigRF/ch01", "--start-time", START, "--mark", "RUN_START@0", "--mark", "TEST_END@30",
                csv.toString()), "import");
            final int port = gateway.rigAddress().getPort();

            final int exit = cli.run("replay", "--gateway", "127.0.0.1:" + port, "--speed", "max", "--batch", "100",
                "--ack-timeout", "60s", "--await-commands", "0", runFile.toString());

            assertEquals(ExitCode.OK, exit, "exit code");
            assertTrue(text(out).contains("sent 250/250 rows in 3 SAMPLES frames (+1 CHANNEL, 2 MARK)"), "summary");
            assertTrue(text(out).contains("acknowledged 6/6 frames (250 rows)"), "summary");
            // In the topic, in the channel's order: CHANNEL, MARK RUN_START, 3 SAMPLES, MARK TEST_END.
            final List<ConsumerRecord<String, byte[]>> records = ofKey(readSamplesTopic("rigRF/ch01", 6,
                Duration.ofSeconds(60)), "rigRF/ch01");
            final List<String> frames = new ArrayList<>();
            final TelemetryRecordFlyweight envelope = new TelemetryRecordFlyweight();
            final SamplesFlyweight samples = new SamplesFlyweight();
            final MarkFlyweight mark = new MarkFlyweight();
            long firstSample = -1;
            for (ConsumerRecord<String, byte[]> r : records) {
                final UnsafeBuffer buffer = new UnsafeBuffer(r.value());
                envelope.wrap(buffer, 0, r.value().length);
                assertNull(envelope.validate());
                assertEquals("rigRF", envelope.rigId(), "the run file's rig id");
                final int type = buffer.getByte(envelope.frameOffset() + 4) & 0xFF;
                if (type == FrameType.MARK) {
                    mark.wrap(buffer, envelope.frameOffset());
                    frames.add("MARK " + MarkType.name(mark.markType()) + " " + (mark.timestampMicros() - START_MICROS));
                } else if (type == FrameType.SAMPLES) {
                    samples.wrap(buffer, envelope.frameOffset());
                    frames.add("SAMPLES " + samples.sampleCount());
                    if (firstSample < 0) {
                        firstSample = samples.timestampMicros(0);
                    }
                } else {
                    frames.add(FrameType.name(type));
                }
            }
            assertEquals(List.of("CHANNEL", "MARK RUN_START 0", "SAMPLES 100", "SAMPLES 100", "SAMPLES 50",
                "MARK TEST_END 30000000"), frames);
            assertEquals(START_MICROS, firstSample, "the run file's own sample times");
        } catch (AssertionError | RuntimeException e) {
            System.err.println("---- stdout ----\n" + text(out) + "---- stderr ----\n" + text(err)
                + "---- broker log (tail) ----\n" + brokerLogTail());
            throw e;
        }
    }

    /** Per rig: its CHANNEL, SAMPLES (one entry per sample) and MARK frames in order, as text. */
    private static Map<String, List<String>> framesByRig(final Path runFile) throws Exception {
        final Map<String, List<String>> byRig = new java.util.TreeMap<>();
        try (io.cellwatch.replay.runfile.RunFileReader reader = io.cellwatch.replay.runfile.RunFileReader.open(runFile)) {
            reader.readAll(new io.cellwatch.replay.runfile.RunFileVisitor() {
                @Override
                public void frame(final io.cellwatch.replay.runfile.FrameRecord r) {
                    describe(r.buffer(), r.frameOffset(), byRig.computeIfAbsent(r.rigId(), k -> new ArrayList<>()));
                }
            });
        }
        return byRig;
    }

    private static void describe(final org.agrona.DirectBuffer buffer, final int offset, final List<String> into) {
        final int type = buffer.getByte(offset + 4) & 0xFF;
        if (type == FrameType.SAMPLES) {
            final SamplesFlyweight f = new SamplesFlyweight().wrap(buffer, offset);
            for (int i = 0; i < f.sampleCount(); i++) {
                into.add("sample " + f.timestampMicros(i) + " " + f.voltage(i) + " V " + f.current(i) + " A "
                    + f.cellTemperature(i) + " C " + f.ambientTemperature(i) + " C");
            }
        } else if (type == FrameType.MARK) {
            final MarkFlyweight m = (MarkFlyweight) new MarkFlyweight().wrap(buffer, offset);
            into.add("MARK " + MarkType.name(m.markType()) + " " + m.timestampMicros());
        } else {
            final io.cellwatch.core.model.ChannelDeclaration d = ((io.cellwatch.core.codec.ChannelFlyweight)
                new io.cellwatch.core.codec.ChannelFlyweight().wrap(buffer, offset)).declaration();
            into.add("CHANNEL " + d.channelId() + " " + d.cellSerial() + " " + d.lot() + " " + d.procedureId());
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldStoreEveryChannelsSamplesInOrderAndPacedWhenReplayingTwoRigsAt20x(@TempDir final Path dir)
        throws Exception {
        // Two channels of two rigs, 400 samples each at 10 Hz (run time 39.9 s), in batches of 20.
        final Path runFile = MultiChannelRuns.write(dir.resolve("two.cwrun"), 400);
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final ReplayCli cli = new ReplayCli(new CliContext(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), Clock.systemUTC(), ReplayClock.SYSTEM));
        try {
            final long started = System.nanoTime();
            final int exit = cli.run("replay", "--gateway", "127.0.0.1:" + gateway.rigAddress().getPort(),
                "--speed", "20", "--batch", "20", "--ack-timeout", "30s", runFile.toString());
            final double seconds = (System.nanoTime() - started) / 1e9;

            assertEquals(ExitCode.OK, exit, "exit code");
            assertTrue(text(out).contains("2 channels over 2 rig connections, 800 rows"), "plan");
            assertTrue(text(out).contains("rig rigA: sent 400 rows of 1 channels in 22 frames (1 MARK)"), "rigA");
            assertTrue(text(out).contains("acknowledged 21/21 frames (400 rows)"), "rigB");
            // Paced, not sent at once: the last batch is due 39.9 s / 20 = 2.0 s after the start.
            assertTrue(seconds >= 1.9, "replay took " + seconds + " s");

            final List<ConsumerRecord<String, byte[]>> records = readSamplesTopic("rigA/ch01", 22,
                Duration.ofSeconds(30));
            final Map<String, List<String>> expected = framesByRig(runFile);
            final TelemetryRecordFlyweight envelope = new TelemetryRecordFlyweight();
            for (String rig : List.of("rigA", "rigB")) {
                final List<String> stored = new ArrayList<>();
                long firstArrival = Long.MAX_VALUE;
                long lastArrival = Long.MIN_VALUE;
                for (ConsumerRecord<String, byte[]> r : ofKey(records, rig + "/ch01")) {
                    final UnsafeBuffer buffer = new UnsafeBuffer(r.value());
                    envelope.wrap(buffer, 0, r.value().length);
                    assertNull(envelope.validate());
                    assertEquals(rig, envelope.rigId(), "sent as the rig that recorded the channel");
                    describe(buffer, envelope.frameOffset(), stored);
                    firstArrival = Math.min(firstArrival, envelope.receivedAtMicros());
                    lastArrival = Math.max(lastArrival, envelope.receivedAtMicros());
                }
                assertEquals(expected.get(rig), stored, rig + ": every sample and mark of the file, in order");
                // The gateway received the channel's frames spread over the paced replay.
                assertTrue(lastArrival - firstArrival >= 1_500_000L, rig + ": frames received within "
                    + (lastArrival - firstArrival) + " us");
            }
        } catch (AssertionError | RuntimeException e) {
            System.err.println("---- stdout ----\n" + text(out) + "---- stderr ----\n" + text(err)
                + "---- broker log (tail) ----\n" + brokerLogTail());
            throw e;
        }
    }

    private static List<ConsumerRecord<String, byte[]>> ofKey(final List<ConsumerRecord<String, byte[]>> records,
                                                              final String key) {
        return records.stream().filter(r -> key.equals(r.key())).collect(Collectors.toList());
    }

    /** Reads the samples topic from the start until {@code expected} records of {@code key} are there. */
    private static List<ConsumerRecord<String, byte[]>> readSamplesTopic(final String key, final int expected,
                                                                         final Duration timeout) {
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            final List<TopicPartition> partitions = consumer.partitionsFor(SAMPLES_TOPIC).stream()
                .map(p -> new TopicPartition(SAMPLES_TOPIC, p.partition())).collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            final List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            final long deadline = System.nanoTime() + timeout.toNanos();
            while (ofKey(records, key).size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            // A little longer, to catch records beyond the expected ones.
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            assertEquals(recordsInTopic(), records.size(), "every record of " + SAMPLES_TOPIC + " was read");
            return records;
        }
    }

    private static long recordsInTopic() {
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            final List<TopicPartition> partitions = consumer.partitionsFor(SAMPLES_TOPIC).stream()
                .map(p -> new TopicPartition(SAMPLES_TOPIC, p.partition())).collect(Collectors.toList());
            consumer.assign(partitions); // read_committed offsets are only kept for assigned partitions
            final Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
            final Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            return partitions.stream().mapToLong(p -> end.get(p) - begin.get(p)).sum();
        }
    }

    private static KafkaConsumer<String, byte[]> consumer() {
        final Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(p);
    }

    private static String text(final ByteArrayOutputStream bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static String brokerLogTail() {
        try {
            final List<String> lines = Files.readAllLines(broker.logFile(), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException | RuntimeException e) {
            return "(no broker log: " + e + ")";
        }
    }
}
