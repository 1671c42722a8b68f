package io.cellwatch.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import io.cellwatch.core.alert.Alert;
import io.cellwatch.core.alert.AlertJson;
import io.cellwatch.core.config.Settings;
import io.cellwatch.core.rules.UpperChargeVoltageRule;
import io.cellwatch.replay.CliContext;
import io.cellwatch.replay.ReplayCli;
import io.cellwatch.replay.send.ReplayClock;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engineer's loop on a real recording, through the real stack: import the Maccor export (charged to 4.30 V
 * eight times), replay it at full speed into the gateway, let the live job raise its alerts, record the channel back
 * from Kafka, and evaluate the recording offline against the live alerts: the offline evaluation (the same rule
 * code) must find exactly the live alerts, same ids and sample times. Then a what-if with a 4.35 V limit removes all
 * eight.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ReplayRoundTripE2EIT {
    private static final String CHANNEL = "rtrip/ch01";

    @TempDir
    Path dir;

    @Test
    void shouldFindOfflineExactlyTheAlertsTheLiveJobRaisedWhenARecordedRunIsReplayedRecordedAndEvaluated()
        throws Exception {
        final LauncherConfig config = LauncherConfig.from(Settings.of(Map.of(
            LauncherConfig.DATA_DIR, dir.resolve("data").toString(),
            "gateway.rig-port", "0",
            "gateway.http-port", "-1",
            "job.checkpoint-interval-ms", "300",
            "job.transactional-id-prefix", "rtrip-" + System.nanoTime())));
        try (CellWatchStack stack = new CellWatchStack(config).start(System.out)) {
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            final ReplayCli cli = new ReplayCli(new CliContext(new PrintStream(out, true, StandardCharsets.UTF_8),
                System.err, Map.of(), Clock.systemUTC(), ReplayClock.SYSTEM));
            final Path imported = dir.resolve("maccor.cwrun");
            final Path recorded = dir.resolve("recorded.cwrun");
            final Path source = Path.of("..", "testdata", "recordings", "xTESLADIAG_000038con.078");

            assertEquals(0, cli.run("import", "--output", imported.toString(), "--rig", "rtrip", "--channel", CHANNEL,
                "--procedure", "pse-app9/overcharge-protection@1", "--start-time", "2026-01-01T00:00:00Z",
                source.toString()), "import: " + out);
            assertEquals(0, cli.run("replay", "--gateway", "127.0.0.1:" + stack.rigAddress().getPort(),
                "--speed", "max", "--ack-timeout", "60s", imported.toString()), "replay: " + out);

            final List<Alert> live = awaitLiveAlerts(stack.bootstrapServers(), 8, Duration.ofSeconds(90));
            assertEquals(8, live.size(), "the live job raised one alert per charge above 4.25 V: " + live);

            out.reset();
            assertEquals(0, cli.run("record", "--bootstrap", stack.bootstrapServers(), "--channel", CHANNEL,
                "--output", recorded.toString()), "record: " + out);

            out.reset();
            assertEquals(0, cli.run("evaluate", recorded.toString(), "--against", "live"), "evaluate: " + out);
            final String same = out.toString(StandardCharsets.UTF_8);
            for (Alert a : live) {
                assertTrue(same.contains(a.alertId()), "offline evaluation prints the live alert id " + a.alertId()
                    + ":\n" + same);
            }
            assertTrue(same.contains("0 added, 0 removed, 0 earlier, 0 later, 8 unchanged"), same);

            out.reset();
            assertEquals(0, cli.run("evaluate", recorded.toString(), "--set", "upper-charge-voltage.limit=4.35",
                "--against", "live"), "what-if: " + out);
            final String whatIf = out.toString(StandardCharsets.UTF_8);
            assertTrue(whatIf.contains("0 added, 8 removed"), whatIf);
        }
    }

    /** Committed upper-charge-voltage alerts of the channel, once {@code expected} have arrived. */
    private static List<Alert> awaitLiveAlerts(final String bootstrap, final int expected, final Duration timeout) {
        final Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        final List<Alert> alerts = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            final List<TopicPartition> parts = List.of(new TopicPartition("cellwatch.alerts", 0),
                new TopicPartition("cellwatch.alerts", 1));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            final long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline && alerts.size() < expected) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    final Alert a = AlertJson.fromJson(r.value());
                    if (a.channelId().equals(CHANNEL) && a.rule().equals(UpperChargeVoltageRule.ID)) {
                        alerts.add(a);
                    }
                }
            }
        }
        return alerts;
    }
}
