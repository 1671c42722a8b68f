package io.cellwatch.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engineer's loop on a real recording, through the real stack: import the Maccor export (charged to 4.30 V
 * eight times), replay it into the gateway, let the live job raise its alerts (and the gateway send the STOP
 * COMMANDs back to the replaying rig), record the channel back from Kafka, and evaluate the recording offline against
 * the live alerts: the offline evaluation (the same rule code) must find exactly the live alerts, same ids and sample
 * times, at full speed and at a paced speed. Then a what-if with a 4.35 V limit removes all eight, and the report of
 * a what-if at 4.252 V shows the stops with their thresholds and detection latencies and the difference.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ReplayRoundTripE2EIT {
    private static final Path MACCOR = Path.of("..", "testdata", "recordings", "xTESLADIAG_000038con.078");
    /** The Maccor export's columns are tab-separated; 'Test (Sec)' is the run time of a row. */
    private static final int MACCOR_RUN_TIME_COLUMN = 3;
    private static final int MACCOR_HEADER_LINES = 2;
    /**
     * The procedure's 10 s silence check fires on the job's wall clock after a run's last frame; whether a recording
     * holds that alert depends on when 'record' runs, which the evaluation cannot know (docs/replay.md, evaluate:
     * "Against the live job"). Ten minutes keep it out of every recording this test makes.
     */
    private static final String NO_SILENCE_DURING_TEST = "data-quality.silent-after=600";

    @TempDir
    static Path dir;

    private CellWatchStack stack;

    @BeforeAll
    void startStack() throws Exception {
        final LauncherConfig config = LauncherConfig.from(Settings.of(Map.of(
            LauncherConfig.DATA_DIR, dir.resolve("data").toString(),
            "gateway.rig-port", "0",
            "gateway.http-port", "-1",
            "job.checkpoint-interval-ms", "300",
            "job.transactional-id-prefix", "rtrip-" + System.nanoTime())));
        stack = new CellWatchStack(config).start(System.out);
    }

    @AfterAll
    void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    /** The CLI, printing into {@code out}, as the engineer runs it. */
    private static ReplayCli cli(final ByteArrayOutputStream out) {
        return new ReplayCli(new CliContext(new PrintStream(out, true, StandardCharsets.UTF_8), System.err, Map.of(),
            Clock.systemUTC(), ReplayClock.SYSTEM));
    }

    @Test
    void shouldFindOfflineExactlyTheAlertsTheLiveJobRaisedWhenARecordedRunIsReplayedRecordedAndEvaluated()
        throws Exception {
        final String channel = "rtrip/ch01";
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ReplayCli cli = cli(out);
        final Path imported = dir.resolve("maccor.cwrun");
        final Path recorded = dir.resolve("recorded.cwrun");

        assertEquals(0, cli.run("import", "--output", imported.toString(), "--rig", "rtrip", "--channel", channel,
            "--procedure", "pse-app9/overcharge-protection@1", "--override", NO_SILENCE_DURING_TEST,
            "--start-time", "2026-01-01T00:00:00Z", MACCOR.toString()), "import: " + out);
        out.reset();
        // The wait for late COMMANDs ends at the eighth; the 90 s only bound a stack that never sends them.
        assertEquals(0, cli.run("replay", "--gateway", "127.0.0.1:" + stack.rigAddress().getPort(),
            "--speed", "max", "--ack-timeout", "60s", "--await-commands", "90s", "--expect-commands", "8",
            imported.toString()), "replay: " + out);
        final String replayed = out.toString(StandardCharsets.UTF_8);

        final List<Alert> live = awaitLiveAlerts(stack.bootstrapServers(), channel, 8, Duration.ofSeconds(90));
        assertEquals(8, live.size(), "the live job raised one alert per charge above 4.25 V: " + live);
        assertCommandsPrintedAndRecordingEvaluatesToLive(cli, out, channel, replayed, live, recorded);

        out.reset();
        assertEquals(0, cli.run("evaluate", recorded.toString(), "--set", "upper-charge-voltage.limit=4.35",
            "--against", "live"), "what-if: " + out);
        final String whatIf = out.toString(StandardCharsets.UTF_8);
        assertTrue(whatIf.contains("0 added, 8 removed"), whatIf);

        assertReportOfWhatIf(cli, out, recorded);
    }

    /**
     * The report of a what-if at 4.252 V against the live alerts: every stop row has the what-if limit as its
     * threshold (an upper-charge-voltage alert has no reference of its own: docs/rules.md section 5) and a detection
     * latency in seconds, known from the arrival times the recording carries; and the charges that stayed between
     * 4.250 and 4.252 V for a sample or more now stop later, listed in the difference table.
     */
    private static void assertReportOfWhatIf(final ReplayCli cli, final ByteArrayOutputStream out,
                                             final Path recorded) throws IOException {
        final Path html = dir.resolve("what-if.html");
        out.reset();
        assertEquals(0, cli.run("report", recorded.toString(), "--output", html.toString(), "--set",
            "upper-charge-voltage.limit=4.252", "--against", "live"), "report: " + out);
        final String page = Files.readString(html, StandardCharsets.UTF_8);

        final Matcher stop = Pattern.compile("<tr class=\"stop\">(.*?)</tr>").matcher(page);
        int stops = 0;
        while (stop.find()) {
            stops++;
            final String row = stop.group(1);
            assertTrue(row.contains("<td class=\"num\">-</td><td class=\"num\">4.252 V</td><td>SAFETY STOP</td>"),
                "no reference, the what-if limit as threshold: " + row);
            assertTrue(Pattern.compile("<td class=\"num\">\\d+\\.\\d{3} s</td><td class=\"reason\">").matcher(row)
                .find(), "detection latency in seconds: " + row);
        }
        assertEquals(8, stops, "one stop per charge, each above 4.252 V at some sample:\n" + page);
        assertFalse(page.contains("unknown (no arrival times)"), page);
        assertTrue(page.contains("<tr class=\"later\"><td>later</td><td>upper-charge-voltage</td>"),
            "the difference lists the stops that come later at 4.252 V:\n" + page);
    }

    /**
     * Determinism at a paced speed: the first charge of the Maccor export (its first 1800 s, one alert at run time
     * 1469.17 s) replayed at 150x (12 s) gives the live job processing-time gaps 150 times shorter than the file's;
     * the recording carries the gateway's receive times, and the offline evaluation, which runs its clock on them,
     * must still find exactly the live alert.
     */
    @Test
    void shouldFindOfflineExactlyTheLiveAlertsWhenTheRunIsReplayedAtAPacedSpeed() throws Exception {
        final String channel = "rtrip/ch02";
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ReplayCli cli = cli(out);
        final Path firstCharge = firstSeconds(MACCOR, 1800, dir.resolve("first-charge.078"));
        final Path imported = dir.resolve("first-charge.cwrun");
        final Path recorded = dir.resolve("first-charge-recorded.cwrun");

        assertEquals(0, cli.run("import", "--output", imported.toString(), "--format", "maccor", "--rig", "rtrip",
            "--channel", channel, "--procedure", "pse-app9/overcharge-protection@1", "--override",
            NO_SILENCE_DURING_TEST, "--start-time", "2026-01-01T00:00:00Z", firstCharge.toString()), "import: " + out);
        out.reset();
        assertEquals(0, cli.run("replay", "--gateway", "127.0.0.1:" + stack.rigAddress().getPort(),
            "--speed", "150", "--batch", "1", "--ack-timeout", "60s", "--await-commands", "90s",
            "--expect-commands", "1", imported.toString()), "replay: " + out);
        final String replayed = out.toString(StandardCharsets.UTF_8);
        assertTrue(Pattern.compile("(?m)^progress \\d+\\.\\d s: \\d+/110 rows sent").matcher(replayed).find(),
            "a 12 s replay prints progress lines:\n" + replayed);

        final List<Alert> live = awaitLiveAlerts(stack.bootstrapServers(), channel, 1, Duration.ofSeconds(90));
        assertEquals(1, live.size(), "one charge above 4.25 V: " + live);
        assertCommandsPrintedAndRecordingEvaluatesToLive(cli, out, channel, replayed, live, recorded);
    }

    /**
     * The replay printed the STOP COMMAND of every live alert; the channel recorded back from Kafka and evaluated
     * offline gives exactly the live alerts: same ids, nothing added, removed or moved.
     */
    private void assertCommandsPrintedAndRecordingEvaluatesToLive(final ReplayCli cli, final ByteArrayOutputStream out,
                                                                  final String channel, final String replayed,
                                                                  final List<Alert> live, final Path recorded) {
        for (Alert a : live) {
            assertTrue(replayed.contains("COMMAND STOP channel " + channel + " rule upper-charge-voltage alert "
                + a.alertId() + " "), "the replay printed the STOP COMMAND of live alert " + a.alertId() + ":\n"
                + replayed);
        }
        out.reset();
        assertEquals(0, cli.run("record", "--bootstrap", stack.bootstrapServers(), "--channel", channel,
            "--output", recorded.toString()), "record: " + out);
        out.reset();
        assertEquals(0, cli.run("evaluate", recorded.toString(), "--against", "live"), "evaluate: " + out);
        final String same = out.toString(StandardCharsets.UTF_8);
        for (Alert a : live) {
            assertTrue(same.contains(a.alertId()), "offline evaluation prints the live alert id " + a.alertId()
                + ":\n" + same);
        }
        assertTrue(same.contains("0 added, 0 removed, 0 earlier, 0 later, " + live.size() + " unchanged"), same);
    }

    /** The Maccor export's header and its rows up to run time {@code seconds}, written to {@code target}. */
    private static Path firstSeconds(final Path maccor, final double seconds, final Path target) throws IOException {
        // ISO-8859-1 maps every byte to one char, so the lines are written back byte for byte.
        final List<String> lines = Files.readAllLines(maccor, StandardCharsets.ISO_8859_1);
        final List<String> kept = new ArrayList<>(lines.subList(0, MACCOR_HEADER_LINES));
        for (String line : lines.subList(MACCOR_HEADER_LINES, lines.size())) {
            if (Double.parseDouble(line.split("\t")[MACCOR_RUN_TIME_COLUMN]) > seconds) {
                break;
            }
            kept.add(line);
        }
        Files.write(target, kept, StandardCharsets.ISO_8859_1);
        return target;
    }

    /** Committed upper-charge-voltage alerts of the channel, once {@code expected} have arrived. */
    private static List<Alert> awaitLiveAlerts(final String bootstrap, final String channel, final int expected,
                                               final Duration timeout) {
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
                    if (a.channelId().equals(channel) && a.rule().equals(UpperChargeVoltageRule.ID)) {
                        alerts.add(a);
                    }
                }
            }
        }
        return alerts;
    }
}
