package io.cellwatch.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import io.cellwatch.core.alert.Alert;
import io.cellwatch.core.alert.AlertIds;
import io.cellwatch.core.alert.AlertJson;
import io.cellwatch.core.alert.StopAction;
import io.cellwatch.core.config.Settings;
import io.cellwatch.core.evaluation.DataQualityRules;
import io.cellwatch.core.model.CellForm;
import io.cellwatch.core.model.ChannelDeclaration;
import io.cellwatch.core.rules.UpperChargeVoltageRule;
import io.cellwatch.rig.ReceivedCommand;
import io.cellwatch.rig.RigClient;
import io.cellwatch.rig.RigListener;
import io.cellwatch.rig.SampleBatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two rig faults that were only unit-tested (issue 8), through the real stack as {@code cellwatch up} starts it
 * ({@link CellWatchStack}: KRaft broker, gateway, job on a MiniCluster) and a rig speaking the protocol over TCP:
 * <ul>
 * <li>the rig's sample clock jumps back by an hour mid-run: one {@code data-quality/time-backwards} alert, and the
 * channel still stops the cell on the new timeline; jumping forward by an hour: no alert but the stop, at the new
 * timeline's time;</li>
 * <li>the rig stops sending data but keeps its connection (heartbeats only): one {@code data-quality/silent} alert
 * after the channel's silent-after time on the wall clock, and no second one for the same episode.</li>
 * </ul>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class RigClockAndSilenceE2EIT {
    private static final String RIG = "rigK";
    private static final String TOKEN = "secret-k";
    private static final String SAMPLES = "cellwatch.samples";
    private static final String ALERTS = "cellwatch.alerts";
    private static final int SAMPLE_PARTITIONS = 2;
    private static final long T0 = 1_790_000_000_000_000L; // rig clock, us since the epoch
    private static final long SAMPLE_PERIOD_US = 10_000; // 100 Hz
    private static final int PER_FRAME = 10;
    private static final long HOUR_US = 3_600_000_000L;
    /** 200 samples at 4.10 V, then the rig clock jumps and 400 more follow on the new timeline. */
    private static final int JUMP_AT = 200;
    private static final int AFTER_JUMP = 400;
    /** From this sample on the cell is at 4.30 V, above the 4.25 V limit. */
    private static final int CROSSING = 505;

    @TempDir
    static Path dataDir;

    private CellWatchStack stack;

    @BeforeAll
    void startStack() throws Exception {
        final LauncherConfig config = LauncherConfig.from(Settings.of(Map.of(
            LauncherConfig.DATA_DIR, dataDir.toString(),
            LauncherConfig.SAMPLE_PARTITIONS, Integer.toString(SAMPLE_PARTITIONS),
            "gateway.rig-port", "0",
            "gateway.http-port", "0",
            "gateway.rig-tokens", RIG + ":" + TOKEN,
            "job.checkpoint-interval-ms", "300",
            "job.transactional-id-prefix", "clock-silence-" + System.nanoTime())));
        stack = new CellWatchStack(config).start(System.out);
    }

    @AfterAll
    void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void shouldRaiseOneTimeBackwardsAlertAndStillStopTheCellWhenTheRigClockJumpsBackAnHour() throws Exception {
        final String channel = RIG + "/ch01";
        final long shiftUs = -HOUR_US;
        streamAcrossAClockJump(1, channel, shiftUs, Set.of(
            AlertIds.of(channel, DataQualityRules.TIME_BACKWARDS, T0 + JUMP_AT * SAMPLE_PERIOD_US + shiftUs),
            stopId(channel, shiftUs)));
    }

    /**
     * A clock that jumps forward is no data-quality problem the job can tell from a long pause: no alert for the jump,
     * and the stop condition fires at the new timeline's sample time, once.
     */
    @Test
    void shouldOnlyStopTheCellAtTheNewTimelinesTimeWhenTheRigClockJumpsForwardAnHour() throws Exception {
        final String channel = RIG + "/ch03";
        streamAcrossAClockJump(3, channel, HOUR_US, Set.of(stopId(channel, HOUR_US)));
    }

    private static String stopId(final String channel, final long shiftUs) {
        return AlertIds.of(channel, UpperChargeVoltageRule.ID, T0 + CROSSING * SAMPLE_PERIOD_US + shiftUs);
    }

    /**
     * Streams the run with the rig clock shifted by {@code shiftUs} from sample {@link #JUMP_AT} on, then checks: every
     * frame ACKed and in Kafka, exactly the expected alert ids committed once each, one STOP with the new timeline's
     * sample time at the rig.
     */
    private void streamAcrossAClockJump(final int channelNo, final String channel, final long shiftUs,
                                        final Set<String> expectedIds) throws Exception {
        final List<ReceivedCommand> commands = new CopyOnWriteArrayList<>();
        final Set<Long> sent = new TreeSet<>();
        try (RigClient rig = connect(commands)) {
            // silent-after 0 (off): the rig idles after the run, and only the clock's alerts are expected here
            sent.add(rig.declareChannel(new ChannelDeclaration(channelNo, channel, "SN-K0" + channelNo, "LOT-K",
                "pse-app9/overcharge-protection", 1, CellForm.CYLINDRICAL, 3.0,
                Map.of("data-quality.silent-after", 0.0))));
            final SampleBatch batch = new SampleBatch(PER_FRAME);
            long last = 0;
            for (int f = 0; f < (JUMP_AT + AFTER_JUMP) / PER_FRAME; f++) {
                batch.clear();
                for (int k = 0; k < PER_FRAME; k++) {
                    final int i = f * PER_FRAME + k;
                    final long t = T0 + i * SAMPLE_PERIOD_US + (i >= JUMP_AT ? shiftUs : 0);
                    batch.add(t, i >= CROSSING ? 4.30f : 4.10f, 1.5f, 25f, Float.NaN, Float.NaN);
                }
                last = rig.sendSamples(channelNo, batch);
                sent.add(last);
            }
            assertTrue(rig.awaitAcked(last, Duration.ofSeconds(30)),
                "every frame is acknowledged; unacked: " + rig.unackedSequences());
            assertEquals(0, rig.unackedCount());

            final String stopId = stopId(channel, shiftUs);
            final List<Alert> alerts = readCommittedAlerts(channel, ids -> ids.containsAll(expectedIds),
                Duration.ofSeconds(90), Duration.ofSeconds(3));
            final List<String> ids = alerts.stream().map(Alert::alertId).sorted().collect(Collectors.toList());
            System.out.printf("CLOCK-JUMP %+d s: frames sent=%d acked=%d | alerts expected=%d seen=%d %s%n",
                shiftUs / 1_000_000, sent.size(), sent.size(), expectedIds.size(), ids.size(),
                alerts.stream().map(a -> a.rule() + "@" + a.sampleTimeMicros()).collect(Collectors.toList()));
            assertEquals(new TreeSet<>(expectedIds), new TreeSet<>(ids), "the alerts of the run: " + alerts);
            assertEquals(expectedIds.size(), ids.size(), "each alert exactly once (read_committed): " + alerts);

            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (commands.stream().noneMatch(c -> c.action() == StopAction.STOP) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            final List<ReceivedCommand> stops = commands.stream().filter(c -> c.action() == StopAction.STOP)
                .collect(Collectors.toList());
            assertEquals(1, stops.size(), "exactly one STOP command reaches the rig: " + commands);
            assertEquals(stopId, stops.get(0).alertId());
            assertEquals(channel, stops.get(0).channelId());
            assertEquals(T0 + CROSSING * SAMPLE_PERIOD_US + shiftUs, stops.get(0).sampleTimeMicros(),
                "the stop carries the rig's (new) sample time");
        }
        final Map<Long, Integer> stored = SamplesTopicReader.sequencesByChannel(stack.bootstrapServers(), SAMPLES,
            SAMPLE_PARTITIONS).getOrDefault(channel, Map.of());
        assertEquals(sent, new TreeSet<>(stored.keySet()), "every frame sent is in Kafka, and nothing else");
    }

    @Test
    void shouldRaiseOneSilenceAlertWhenTheRigStopsSendingDataButKeepsItsConnection() throws Exception {
        final String channel = RIG + "/ch02";
        final double silentAfterSeconds = 3.0;
        final int frames = 10;
        final List<ReceivedCommand> commands = new CopyOnWriteArrayList<>();
        final Set<Long> sent = new TreeSet<>();
        try (RigClient rig = connect(commands)) {
            sent.add(rig.declareChannel(new ChannelDeclaration(2, channel, "SN-K02", "LOT-K", "cellwatch/monitor", 1,
                CellForm.CYLINDRICAL, 3.0, Map.of("data-quality.silent-after", silentAfterSeconds))));
            final SampleBatch batch = new SampleBatch(PER_FRAME);
            long last = 0;
            for (int f = 0; f < frames; f++) {
                batch.clear();
                for (int k = 0; k < PER_FRAME; k++) {
                    batch.add(T0 + (f * PER_FRAME + k) * SAMPLE_PERIOD_US, 4.10f, 1.0f, 25f, Float.NaN, Float.NaN);
                }
                last = rig.sendSamples(2, batch);
                sent.add(last);
            }
            assertTrue(rig.awaitAcked(last, Duration.ofSeconds(30)), "unacked: " + rig.unackedSequences());
            final long lastDataNanos = System.nanoTime();

            // From here on only the rig client's heartbeats go out: the link is alive, the channel has no data.
            // The alert is named after the last sample time the job saw.
            final String silentId = AlertIds.of(channel, DataQualityRules.SILENT,
                T0 + (frames * PER_FRAME - 1) * SAMPLE_PERIOD_US);
            // The grace after the alert spans several more silent-after periods: a second alert for the same
            // episode would be committed by then.
            final List<Alert> alerts = readCommittedAlerts(channel, ids -> ids.contains(silentId),
                Duration.ofSeconds(40), Duration.ofSeconds(10));
            final List<Alert> silent = alerts.stream().filter(a -> a.rule().equals(DataQualityRules.SILENT))
                .collect(Collectors.toList());
            System.out.printf("SILENT: frames sent=%d acked=%d | alerts %s, %d ms after the last ACK (limit %.1f s)%n",
                sent.size(), sent.size(), alerts.stream()
                .map(a -> a.rule() + "@" + a.sampleTimeMicros()).collect(Collectors.toList()),
                TimeUnit.NANOSECONDS.toMillis(firstSeenNanos - lastDataNanos), silentAfterSeconds);
            assertEquals(1, silent.size(), "exactly one silence alert for the episode: " + alerts);
            assertEquals(silentId, silent.get(0).alertId());
            assertEquals(silentAfterSeconds, silent.get(0).threshold(), 0);
            assertTrue(silent.get(0).value() >= silentAfterSeconds, "silent for at least the limit: " + silent);
            assertEquals(alerts, silent, "no other alert for a calm channel: " + alerts);
            // Seen no earlier than the limit after the last data: measured on the wall clock, as docs/rules.md says.
            assertTrue(firstSeenNanos - lastDataNanos >= TimeUnit.MILLISECONDS.toNanos((long) (silentAfterSeconds
                * 1000)), "silence alert came before the limit");
            assertTrue(rig.isConnected(), "the heartbeats kept the connection open");

            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (commands.stream().noneMatch(c -> silentId.equals(c.alertId())) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            final List<ReceivedCommand> notices = commands.stream().filter(c -> silentId.equals(c.alertId()))
                .collect(Collectors.toList());
            assertEquals(1, notices.size(), "the silence notice reaches the rig once: " + commands);
            assertEquals(StopAction.NOTIFY, notices.get(0).action());
        }
        final Map<Long, Integer> stored = SamplesTopicReader.sequencesByChannel(stack.bootstrapServers(), SAMPLES,
            SAMPLE_PARTITIONS).getOrDefault(channel, Map.of());
        assertEquals(sent, new TreeSet<>(stored.keySet()), "every frame sent is in Kafka, and nothing else");
    }

    private RigClient connect(final List<ReceivedCommand> commands) throws Exception {
        return RigClient.connect("127.0.0.1", stack.rigAddress().getPort(), RIG, TOKEN, new RigListener() {
            @Override
            public void onCommand(final ReceivedCommand c) {
                commands.add(c);
            }
        }, Duration.ofSeconds(10));
    }

    /** When {@link #readCommittedAlerts} first saw all the alerts it waited for. */
    private long firstSeenNanos;

    /**
     * Reads the alerts topic from the start, read_committed, keeping {@code channel}'s alerts, until their ids
     * satisfy {@code done}, then for {@code grace} more (a duplicate would be committed by then).
     */
    private List<Alert> readCommittedAlerts(final String channel, final Predicate<Set<String>> done,
                                            final Duration timeout, final Duration grace) {
        final Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "clock-silence-reader-" + System.nanoTime());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        final List<Alert> alerts = new ArrayList<>();
        long graceEnd = Long.MAX_VALUE;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of(ALERTS));
            final long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < Math.min(deadline, graceEnd)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    final Alert a = AlertJson.fromJson(r.value());
                    if (a.channelId().equals(channel)) {
                        alerts.add(a);
                    }
                }
                if (graceEnd == Long.MAX_VALUE
                    && done.test(alerts.stream().map(Alert::alertId).collect(Collectors.toSet()))) {
                    firstSeenNanos = System.nanoTime();
                    graceEnd = firstSeenNanos + grace.toNanos();
                }
            }
        }
        assertTrue(graceEnd != Long.MAX_VALUE, "expected alerts not committed within " + timeout + ": " + alerts);
        return alerts;
    }
}
