package io.cellwatch.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import io.cellwatch.core.alert.Alert;
import io.cellwatch.core.alert.AlertJson;
import io.cellwatch.core.model.CellForm;
import io.cellwatch.core.model.MarkType;
import io.cellwatch.core.procedure.ProcedureLibrary;
import io.cellwatch.core.testing.TelemetryRecords;
import io.cellwatch.kafka.embedded.EmbeddedKafkaBroker;
import io.cellwatch.replay.evaluate.EvaluationResult;
import io.cellwatch.replay.evaluate.RunEvaluator;
import io.cellwatch.replay.runfile.AlertOrigin;
import io.cellwatch.replay.runfile.RunFileContents;
import io.cellwatch.replay.runfile.RunFileReader;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code record} against a real Kafka broker (child JVM, KRaft): samples-topic records written as the gateway writes
 * them (envelope + rig frame, keyed by channel id, {@link TelemetryRecords}) for two channels, and an alert on the
 * alerts topic; the recorded file holds exactly the one channel's frames and its live alert, and {@code evaluate}
 * on it finds the live alert again.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RecordIT {
    private static final String SAMPLES = "cellwatch.samples";
    private static final String ALERTS = "cellwatch.alerts";
    private static final String CHANNEL = "rigR/ch01";
    private static final String MULTI_SAMPLES = "multi.samples";
    private static final String MULTI_ALERTS = "multi.alerts";
    private static final String BULK_SAMPLES = "bulk.samples";
    private static final String BULK_ALERTS = "bulk.alerts";

    private static EmbeddedKafkaBroker broker;

    @TempDir
    Path dir;

    @BeforeAll
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    static void startBroker() {
        broker = EmbeddedKafkaBroker.builder().start();
        broker.createTopics(new NewTopic(SAMPLES, 2, (short) 1), new NewTopic(ALERTS, 1, (short) 1),
            new NewTopic(MULTI_SAMPLES, 3, (short) 1), new NewTopic(MULTI_ALERTS, 1, (short) 1),
            new NewTopic(BULK_SAMPLES, 3, (short) 1), new NewTopic(BULK_ALERTS, 1, (short) 1));
    }

    @AfterAll
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        final Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void send(final KafkaProducer<byte[], byte[]> producer, final String topic, final String key,
                             final byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value)).get(30,
            TimeUnit.SECONDS);
    }

    private static EvaluationResult evaluate(final Path file) throws Exception {
        try (RunFileReader reader = RunFileReader.open(file)) {
            return new RunEvaluator(ProcedureLibrary.builtIn(), RunEvaluator.Settings.asDeclared()).evaluate(reader);
        }
    }

    @Test
    void shouldCopyTheChannelAndItsLiveAlertSoThatEvaluateFindsNoDifference() throws Exception {
        final long t0 = System.currentTimeMillis() * 1000 - 5_000_000L;
        final TelemetryRecords rig = new TelemetryRecords("rigR");
        final TelemetryRecords other = new TelemetryRecords("rigO");
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            send(producer, SAMPLES, CHANNEL, rig.channel(CHANNEL, "pse-app9/overcharge-protection",
                CellForm.CYLINDRICAL));
            send(producer, SAMPLES, "rigO/ch09", other.channel("rigO/ch09", "pse-app9/overcharge-protection",
                CellForm.CYLINDRICAL));
            send(producer, SAMPLES, CHANNEL, rig.mark(MarkType.RUN_START, t0));
            send(producer, SAMPLES, CHANNEL, rig.samples(new double[][] {
                {t0 + 100_000, 4.10, 1.0, 25.0, 22.0},
                {t0 + 200_000, 4.20, 1.0, 25.1, 22.0},
                {t0 + 300_000, 4.26, 1.0, 25.2, 22.0},
            }));
            send(producer, SAMPLES, "rigO/ch09", other.samples(new double[][] {{t0 + 100_000, 3.7, 0.5, 24.0, 22.0}}));
            send(producer, SAMPLES, CHANNEL, rig.samples(new double[][] {
                {t0 + 400_000, 4.15, 0.0, 25.3, 22.0},
                {t0 + 500_000, 4.14, 0.0, 25.3, 22.0},
            }));
        }

        // First recording: no live alert yet; the offline evaluation gives the alert the job would raise.
        final Path first = dir.resolve("first.cwrun");
        CliRun run = CliRun.run("record", "--bootstrap", broker.bootstrapServers(), "--channel", CHANNEL,
            "--output", first.toString(), "--timeout", "60s");
        assertEquals(ExitCode.OK, run.exit(), run.toString());
        assertTrue(run.out().contains("4 frames of " + CHANNEL + " kept"), run.toString());
        assertTrue(run.out().contains("reading " + SAMPLES), "progress");

        final RunFileContents contents = RunFileContents.read(first);
        assertEquals(1, contents.channels().size());
        assertEquals(CHANNEL, contents.channels().get(0).channelId());
        assertEquals(5, contents.samples().size(), "only the channel's samples");
        assertEquals(t0 + 100_000, contents.first().micros());
        assertEquals(4.26f, contents.samples().get(2).voltage());
        assertEquals(4.14f, contents.last().voltage());
        assertEquals(1, contents.marks().size());
        assertTrue(contents.alerts().isEmpty());

        final EvaluationResult offline = evaluate(first);
        assertTrue(offline.channels().get(0).arrivalKnown(), "arrival times recorded");
        assertEquals("rigR", offline.channels().get(0).rigId());
        final List<Alert> raised = offline.alerts().stream().filter(a -> a.rule().equals("upper-charge-voltage"))
            .toList();
        assertEquals(1, raised.size(), offline.alerts().toString());
        assertEquals(t0 + 300_000, raised.get(0).sampleTimeMicros());
        final EvaluationResult.StoredSet emptyLive = offline.storedSet(EvaluateCommand.LIVE_LABEL);
        assertEquals(AlertOrigin.LIVE, emptyLive.origin());
        assertTrue(emptyLive.alerts().isEmpty());

        // The job's alert on the alerts topic (and one of another channel), then a second recording.
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (Alert a : offline.alerts()) {
                send(producer, ALERTS, a.channelId(), AlertJson.toJson(a));
            }
            final Alert foreign = raised.get(0);
            send(producer, ALERTS, "rigO/ch09", AlertJson.toJson(new Alert("other-id", "rigO/ch09", "rigO",
                foreign.cellSerial(), foreign.lot(), foreign.procedureId(), foreign.procedureVersion(), foreign.rule(),
                foreign.alertClass(), foreign.action(), foreign.sampleTimeMicros(), foreign.value(),
                foreign.reference(), foreign.threshold(), foreign.unit(), foreign.detectedAtMicros(), false,
                foreign.reason(), foreign.trigger())));
        }
        final Path second = dir.resolve("second.cwrun");
        run = CliRun.run("record", "--bootstrap", broker.bootstrapServers(), "--channel", CHANNEL,
            "--output", second.toString());
        assertEquals(ExitCode.OK, run.exit(), run.toString());
        assertTrue(run.out().contains(offline.alerts().size() + " of " + CHANNEL + " kept as alert set 'live'"),
            run.toString());

        final EvaluationResult again = evaluate(second);
        assertEquals(offline.alerts(), again.alerts(), "the same frames give the same alerts");
        final EvaluationResult.StoredSet live = again.storedSet(EvaluateCommand.LIVE_LABEL);
        assertEquals(offline.alerts(), live.alerts(), "the live alerts round-trip");

        run = CliRun.run("evaluate", second.toString(), "--against", "live");
        assertEquals(ExitCode.OK, run.exit(), run.toString());
        assertTrue(run.out().contains("0 added, 0 removed, 0 earlier, 0 later, " + offline.alerts().size()
            + " unchanged"), run.toString());

        // A channel the topic does not have, and an existing output.
        final Path none = dir.resolve("none.cwrun");
        run = CliRun.run("record", "--bootstrap", broker.bootstrapServers(), "--channel", "rigX/none",
            "--output", none.toString());
        assertEquals(ExitCode.BAD_INPUT, run.exit(), run.toString());
        assertFalse(Files.exists(none));
        run = CliRun.run("record", "--bootstrap", broker.bootstrapServers(), "--channel", CHANNEL,
            "--output", second.toString());
        assertEquals(ExitCode.BAD_INPUT, run.exit(), run.toString());
        assertTrue(run.err().contains("exists"), run.toString());
    }

    private CliRun recordMulti(final Path out, final String... selection) {
        final List<String> args = new java.util.ArrayList<>(List.of("record", "--bootstrap",
            broker.bootstrapServers(), "--samples-topic", MULTI_SAMPLES, "--alerts-topic", MULTI_ALERTS, "--output",
            out.toString(), "--timeout", "60s"));
        args.addAll(List.of(selection));
        return CliRun.run(args.toArray(new String[0]));
    }

    /** Received-at times of the file's FRAME records, in file order. */
    private static List<Long> arrivals(final Path file) throws Exception {
        final List<Long> at = new java.util.ArrayList<>();
        try (RunFileReader reader = RunFileReader.open(file)) {
            reader.readAll(new io.cellwatch.replay.runfile.RunFileVisitor() {
                @Override
                public void frame(final io.cellwatch.replay.runfile.FrameRecord r) {
                    at.add(r.receivedAtMicros());
                }
            });
        }
        return at;
    }

    private static List<Alert> ucv(final EvaluationResult r) {
        return r.alerts().stream().filter(a -> a.rule().equals("upper-charge-voltage")).toList();
    }

    @Test
    void shouldSelectByRigLotAndTimeAndRenumberChannelsWhenSeveralRigsShareChannelNumbers() throws Exception {
        final long t0 = System.currentTimeMillis() * 1000 - 60_000_000L;
        final long s0 = t0 - 5_000_000L; // sample times a little before the gateway received them
        final RigRecords a = new RigRecords("rigA");
        final RigRecords b = new RigRecords("rigB");
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            // rigA and rigB both declare channel number 0; rigA/ch02 changes cell (lot L-2 -> L-3) half-way.
            send(producer, MULTI_SAMPLES, "rigA/ch01", a.channel(t0, 0, "rigA/ch01", "L-1"));
            send(producer, MULTI_SAMPLES, "rigB/ch01", b.channel(t0 + 1_000, 0, "rigB/ch01", "L-1"));
            send(producer, MULTI_SAMPLES, "rigA/ch02", a.channel(t0 + 2_000, 1, "rigA/ch02", "L-2"));
            send(producer, MULTI_SAMPLES, "rigA/ch01", a.samples(t0 + 10_000, 0, s0, 4.10, 4.20, 4.26));
            send(producer, MULTI_SAMPLES, "rigB/ch01", b.samples(t0 + 11_000, 0, s0, 4.10, 4.27));
            send(producer, MULTI_SAMPLES, "rigA/ch02", a.samples(t0 + 12_000, 1, s0, 4.00, 4.10));
            send(producer, MULTI_SAMPLES, "rigA/ch01", a.mark(t0 + 20_000, 0, MarkType.PRESS_START, s0 + 300_000));
            send(producer, MULTI_SAMPLES, "rigB/ch01", b.samples(t0 + 21_000, 0, s0 + 200_000, 4.10, 4.10));
            send(producer, MULTI_SAMPLES, "rigA/ch02", a.channel(t0 + 30_000, 1, "rigA/ch02", "L-3"));
            send(producer, MULTI_SAMPLES, "rigA/ch02", a.samples(t0 + 31_000, 1, s0 + 200_000, 4.30));
            send(producer, MULTI_SAMPLES, "rigA/ch01", a.samples(t0 + 40_000, 0, s0 + 300_000, 4.15));
        }

        // By lot: one channel of each rig, both declared as channel number 0 by their rigs.
        final Path lot = dir.resolve("lot.cwrun");
        CliRun run = recordMulti(lot, "--lot", "L-1");
        assertEquals(ExitCode.OK, run.exit(), run.toString());
        assertTrue(run.out().contains("11 records read, 7 frames of 2 channels kept"), run.toString());
        assertTrue(run.out().contains("file channel 0: rigA/ch01 (rig rigA, lot 'L-1'"), run.toString());
        assertTrue(run.out().contains("file channel 1: rigB/ch01 (rig rigB, lot 'L-1'"), run.toString());
        RunFileContents c = RunFileContents.read(lot);
        assertEquals(List.of("rigA/ch01", "rigB/ch01"), c.channels().stream().map(d -> d.channelId()).toList());
        assertEquals(List.of(0, 1), c.channels().stream().map(d -> d.channelNo()).toList(), "renumbered");
        assertEquals(8, c.samples().size());
        assertEquals(1, c.marks().size());
        final List<Long> at = arrivals(lot);
        assertEquals(List.of(t0, t0 + 1_000, t0 + 10_000, t0 + 11_000, t0 + 20_000, t0 + 21_000, t0 + 40_000), at,
            "merged across partitions in arrival order");

        final EvaluationResult byLot = evaluate(lot);
        assertEquals(2, byLot.channels().size());
        final List<Alert> stops = ucv(byLot);
        assertEquals(2, stops.size(), byLot.alerts().toString());
        assertEquals("rigA/ch01", stops.get(0).channelId());
        assertEquals(s0 + 200_000, stops.get(0).sampleTimeMicros());
        assertEquals("rigB/ch01", stops.get(1).channelId());
        assertEquals(s0 + 100_000, stops.get(1).sampleTimeMicros());

        // The same channel recorded alone gives the same alert, id included: ids key on channel, rule, sample time.
        final Path alone = dir.resolve("alone.cwrun");
        run = recordMulti(alone, "--channel", "rigB/ch01");
        assertEquals(ExitCode.OK, run.exit(), run.toString());
        assertEquals(List.of(stops.get(1)), ucv(evaluate(alone)));

        // By rig and lot: the run of the lot-L-2 cell on rigA/ch02 only, not the L-3 cell after it.
        final Path rigLot = dir.resolve("riglot.cwrun");
        run = recordMulti(rigLot, "--rig", "rigA", "--lot", "L-2");
        assertEquals(ExitCode.OK, run.exit(), run.toString());
        c = RunFileContents.read(rigLot);
        assertEquals(1, c.channels().size());
        assertEquals("L-2", c.channels().get(0).lot());
        assertEquals(List.of(4.00f, 4.10f), c.samples().stream().map(x -> x.voltage()).toList());

        // By rig: both channels of rigA, the second with both of its cells.
        final Path rig = dir.resolve("rig.cwrun");
        run = recordMulti(rig, "--rig", "rigA");
        assertEquals(ExitCode.OK, run.exit(), run.toString());
        c = RunFileContents.read(rig);
        assertEquals(List.of("rigA/ch01", "rigA/ch02", "rigA/ch02"), c.channels().stream().map(d -> d.channelId())
            .toList());
        assertEquals(4 + 3, c.samples().size());

        // By rig and time: rigB from t0 + 15 ms keeps its declaration (received before) and the samples after.
        final Path late = dir.resolve("late.cwrun");
        run = recordMulti(late, "--rig", "rigB", "--from", java.time.Instant.EPOCH.plus(t0 + 15_000,
            java.time.temporal.ChronoUnit.MICROS).toString());
        assertEquals(ExitCode.OK, run.exit(), run.toString());
        c = RunFileContents.read(late);
        assertEquals(1, c.channels().size());
        assertEquals(List.of(s0 + 200_000, s0 + 300_000), c.samples().stream().map(x -> x.micros()).toList());
        assertEquals(List.of(t0 + 1_000, t0 + 21_000), arrivals(late));

        // By rig and time: rigA before t0 + 15 ms: both declarations and the first samples of each channel; not the
        // mark, the second cell of rigA/ch02 or the last sample of rigA/ch01, all received later.
        final Path early = dir.resolve("early.cwrun");
        run = recordMulti(early, "--rig", "rigA", "--to", java.time.Instant.EPOCH.plus(t0 + 15_000,
            java.time.temporal.ChronoUnit.MICROS).toString());
        assertEquals(ExitCode.OK, run.exit(), run.toString());
        c = RunFileContents.read(early);
        assertEquals(List.of("rigA/ch01", "rigA/ch02"), c.channels().stream().map(d -> d.channelId()).toList());
        assertEquals(List.of(4.10f, 4.20f, 4.26f, 4.00f, 4.10f), c.samples().stream().map(x -> x.voltage()).toList());
        assertEquals(0, c.marks().size());
        assertEquals(List.of(t0, t0 + 2_000, t0 + 10_000, t0 + 12_000), arrivals(early));

        // A window, --from t0 + 15 ms --to t0 + 35 ms: the mark, the second cell of rigA/ch02 and its sample.
        // rigA/ch01 keeps its declaration from before the window; rigA/ch02's (lot L-2) is replaced by the L-3 one
        // received inside the window before any other frame of that channel, so it is not written.
        final Path window = dir.resolve("window.cwrun");
        run = recordMulti(window, "--rig", "rigA", "--from", java.time.Instant.EPOCH.plus(t0 + 15_000,
            java.time.temporal.ChronoUnit.MICROS).toString(), "--to", java.time.Instant.EPOCH.plus(t0 + 35_000,
            java.time.temporal.ChronoUnit.MICROS).toString());
        assertEquals(ExitCode.OK, run.exit(), run.toString());
        c = RunFileContents.read(window);
        assertEquals(List.of(4.30f), c.samples().stream().map(x -> x.voltage()).toList());
        assertEquals(1, c.marks().size());
        assertEquals(List.of("rigA/ch01", "rigA/ch02"), c.channels().stream().map(d -> d.channelId()).toList());
        assertEquals("L-3", c.channels().get(1).lot());
        assertEquals(List.of(t0, t0 + 20_000, t0 + 30_000, t0 + 31_000), arrivals(window));

        // Nothing matched: the message says what was searched and what there is.
        final Path none = dir.resolve("none.cwrun");
        run = recordMulti(none, "--rig", "rigA", "--lot", "L-9");
        assertEquals(ExitCode.BAD_INPUT, run.exit(), run.toString());
        assertTrue(run.err().contains("nothing in " + MULTI_SAMPLES + " matched rig rigA, lot L-9 (11 records read)"),
            run.toString());
        assertTrue(run.err().contains("3 lots ('L-1', 'L-2', 'L-3')"), run.toString());
        assertTrue(run.err().contains("2 rigs ('rigA', 'rigB')"), run.toString());
        assertFalse(Files.exists(none));

        // The live alerts of the lot (and one of another channel) come back as the set 'live', per channel.
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (Alert x : byLot.alerts()) {
                send(producer, MULTI_ALERTS, x.channelId(), AlertJson.toJson(x));
            }
            final Alert f = stops.get(0);
            send(producer, MULTI_ALERTS, "rigA/ch02", AlertJson.toJson(new Alert("foreign", "rigA/ch02", "rigA",
                "SN-L-2-1", "L-2", f.procedureId(), f.procedureVersion(), f.rule(), f.alertClass(), f.action(),
                f.sampleTimeMicros(), f.value(), f.reference(), f.threshold(), f.unit(), f.detectedAtMicros(), false,
                f.reason(), f.trigger())));
        }
        final Path withLive = dir.resolve("live.cwrun");
        run = recordMulti(withLive, "--lot", "L-1");
        assertEquals(ExitCode.OK, run.exit(), run.toString());
        assertEquals(byLot.alerts(), evaluate(withLive).storedSet(EvaluateCommand.LIVE_LABEL).alerts());
        run = CliRun.run("evaluate", withLive.toString());
        assertEquals(ExitCode.OK, run.exit(), run.toString());
        assertTrue(run.out().contains("0 added, 0 removed, 0 earlier, 0 later, " + byLot.alerts().size()
            + " unchanged"), run.toString());
    }


    @Test
    void shouldMergeLongPartitionsInReceiveOrderWithBoundedBuffersAndShowProgress() throws Exception {
        // 3 channels x 4000 SAMPLES records: more than the 5000 records a partition may buffer, so partitions that
        // run ahead are paused while the others catch up.
        final long t0 = System.currentTimeMillis() * 1000 - 600_000_000L;
        final RigRecords rig = new RigRecords("rigBulk");
        final int perChannel = 4000;
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            final List<java.util.concurrent.Future<?>> sent = new java.util.ArrayList<>();
            for (int c = 0; c < 3; c++) {
                final String id = "rigBulk/ch0" + c;
                sent.add(producer.send(new ProducerRecord<>(BULK_SAMPLES, id.getBytes(StandardCharsets.UTF_8),
                    rig.channel(t0 + c, c, id, "L-B"))));
            }
            for (int i = 0; i < perChannel; i++) {
                for (int c = 0; c < 3; c++) {
                    final String id = "rigBulk/ch0" + c;
                    sent.add(producer.send(new ProducerRecord<>(BULK_SAMPLES, id.getBytes(StandardCharsets.UTF_8),
                        rig.samples(t0 + 1_000L * (i + 1) + c, c, t0 + 100_000L * i, 4.0))));
                }
            }
            producer.flush();
            for (java.util.concurrent.Future<?> f : sent) {
                f.get(30, TimeUnit.SECONDS); // every send acknowledged, none lost
            }
        }

        final Path file = dir.resolve("bulk.cwrun");
        final CliRun run = CliRun.run("record", "--bootstrap", broker.bootstrapServers(), "--samples-topic",
            BULK_SAMPLES, "--alerts-topic", BULK_ALERTS, "--output", file.toString(), "--rig", "rigBulk");

        assertEquals(ExitCode.OK, run.exit(), run.toString());
        assertTrue(run.out().contains("progress "), "progress lines on a long copy: " + run.out());
        assertTrue(run.out().contains((3 + 3 * perChannel) + " frames of 3 channels kept"), run.toString());
        final List<Long> at = arrivals(file);
        assertEquals(3 + 3 * perChannel, at.size());
        for (int i = 1; i < at.size(); i++) {
            assertTrue(at.get(i) >= at.get(i - 1), "receive order at frame " + i + ": " + at.get(i - 1) + " then "
                + at.get(i));
        }
        final RunFileContents c = RunFileContents.read(file);
        assertEquals(3 * perChannel, c.samples().size());
        assertEquals(List.of(0, 1, 2), c.channels().stream().map(d -> d.channelNo()).toList());
    }

}
