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

    private static EmbeddedKafkaBroker broker;

    @TempDir
    Path dir;

    @BeforeAll
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    static void startBroker() {
        broker = EmbeddedKafkaBroker.builder().start();
        broker.createTopics(new NewTopic(SAMPLES, 2, (short) 1), new NewTopic(ALERTS, 1, (short) 1));
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
}
