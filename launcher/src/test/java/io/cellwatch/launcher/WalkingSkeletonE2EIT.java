package io.cellwatch.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.cellwatch.core.alert.Alert;
import io.cellwatch.core.alert.AlertClass;
import io.cellwatch.core.alert.AlertIds;
import io.cellwatch.core.alert.AlertJson;
import io.cellwatch.core.alert.StopAction;
import io.cellwatch.core.config.Settings;
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
 * The walking skeleton, for real: a KRaft broker in a child JVM, the gateway, the job on a Flink MiniCluster, all
 * started by {@link CellWatchStack} exactly as {@code cellwatch up} starts them, and a rig speaking the rig
 * protocol over TCP. A channel crossing 4.25 V must come back to the rig as one STOP command, be on the alerts topic
 * exactly once (read_committed), and every frame the rig sent must be acknowledged.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class WalkingSkeletonE2EIT {
    private static final String RIG = "rigA";
    private static final String HOT = "rigA/ch03";
    private static final String CALM = "rigA/ch04";
    private static final long T0 = 1_790_000_000_000_000L; // rig clock, us since the epoch

    @TempDir
    static Path dataDir;

    private CellWatchStack stack;

    @BeforeAll
    void startStack() throws Exception {
        final LauncherConfig config = LauncherConfig.from(Settings.of(Map.of(
            LauncherConfig.DATA_DIR, dataDir.toString(),
            "gateway.rig-port", "0",
            "gateway.http-port", "0",
            "gateway.rig-tokens", RIG + ":secret-a",
            "job.checkpoint-interval-ms", "300",
            "job.transactional-id-prefix", "e2e-" + System.nanoTime())));
        stack = new CellWatchStack(config).start(System.out);
    }

    @AfterAll
    void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void shouldSendOneStopCommandToTheRigWhenItsCellExceedsTheUpperChargeVoltage() throws Exception {
        final List<ReceivedCommand> commands = new CopyOnWriteArrayList<>();
        try (RigClient rig = RigClient.connect("127.0.0.1", stack.rigAddress().getPort(), RIG, "secret-a",
            new RigListener() {
                @Override
                public void onCommand(final ReceivedCommand c) {
                    commands.add(c);
                }
            }, Duration.ofSeconds(10))) {
            rig.declareChannel(new ChannelDeclaration(3, HOT, "SN-0003", "LOT-42", "pse-app9/overcharge-protection",
                1, CellForm.CYLINDRICAL, 3.0, Map.of()));
            rig.declareChannel(new ChannelDeclaration(4, CALM, "SN-0004", "LOT-42", "pse-app9/overcharge-protection",
                1, CellForm.CYLINDRICAL, 3.0, Map.of()));

            // 40 batches of 10 samples at 100 Hz. HOT ramps 4.200 -> 4.2795 V by 0.2 mV per sample: exactly 4.25 V at
            // sample 250 (must not fire), first above it at sample 251. CALM sits at 4.20 V.
            final SampleBatch hot = new SampleBatch(10);
            final SampleBatch calm = new SampleBatch(10);
            long lastSequence = 0;
            for (int b = 0; b < 40; b++) {
                hot.clear();
                calm.clear();
                for (int k = 0; k < 10; k++) {
                    final int i = b * 10 + k;
                    final long t = T0 + i * 10_000L;
                    hot.add(t, (float) ((42_000 + 2 * i) / 10_000.0), 1.5f, 25f, Float.NaN, Float.NaN);
                    calm.add(t, 4.20f, 1.0f, 25f, Float.NaN, Float.NaN);
                }
                rig.sendSamples(3, hot);
                lastSequence = rig.sendSamples(4, calm);
            }

            assertTrue(rig.awaitAcked(lastSequence, Duration.ofSeconds(30)),
                "every SAMPLES frame is acknowledged; unacked: " + rig.unackedSequences());
            assertEquals(0, rig.unackedCount());

            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (commands.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            // Only the stop: the procedure's 10 s silence limit may later add NOTIFY commands once the rig is idle.
            final List<ReceivedCommand> stops = commands.stream().filter(x -> x.action() == StopAction.STOP)
                .collect(Collectors.toList());
            assertEquals(1, stops.size(), "exactly one STOP command: " + commands);
            final ReceivedCommand c = stops.get(0);
            final long firingSampleTime = T0 + 251 * 10_000L;
            assertEquals(HOT, c.channelId());
            assertEquals(3, c.channelNo());
            assertEquals(StopAction.STOP, c.action());
            assertEquals(UpperChargeVoltageRule.ID, c.rule());
            assertEquals(firingSampleTime, c.sampleTimeMicros(), "the first sample strictly above 4.25 V triggers");
            assertEquals(AlertIds.of(HOT, UpperChargeVoltageRule.ID, firingSampleTime), c.alertId());

            final List<Alert> committed = readCommittedAlerts(c.alertId(), Duration.ofSeconds(60)).stream()
                .filter(x -> x.rule().equals(UpperChargeVoltageRule.ID)).collect(Collectors.toList());
            assertEquals(1, committed.size(), "the alert is on the alerts topic exactly once: " + committed);
            final Alert a = committed.get(0);
            assertEquals(c.alertId(), a.alertId());
            assertEquals(RIG, a.rigId());
            assertEquals("SN-0003", a.cellSerial());
            assertEquals("LOT-42", a.lot());
            assertEquals("pse-app9/overcharge-protection", a.procedureId());
            assertEquals(AlertClass.SAFETY, a.alertClass());
            assertEquals(4.2502, a.value(), 1e-6);
            assertEquals(4.25, a.threshold(), 0);
            assertTrue(a.detectedAtMicros() > 0);
            assertEquals(1, stack.gateway().metrics().commandsAcknowledged.sum(), "the rig's COMMAND_ACK arrived");
            // the stop is in each command latency histogram, as many times as commands were acknowledged
            final var m = stack.gateway().metrics();
            assertEquals(m.commandsAcknowledged.sum(), m.commandAckLatency.count(), "alert -> COMMAND_ACK recorded");
            assertEquals(m.commandsAcknowledged.sum(), m.sampleToAckLatency.count(), "sample -> COMMAND_ACK recorded");
            assertTrue(m.commandDispatchLatency.count() >= 1, "alert -> COMMAND written recorded");
            assertTrue(m.histogramsText().contains("cellwatch_gateway_command_ack_seconds_count "
                + m.commandAckLatency.count() + "\n"), m.histogramsText());
        }
    }

    /** Reads the alerts topic from the start, read_committed, until {@code alertId} is seen plus a grace period. */
    private List<Alert> readCommittedAlerts(final String alertId, final Duration timeout) {
        final Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "e2e-reader-" + System.nanoTime());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        final List<Alert> alerts = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of("cellwatch.alerts"));
            final long deadline = System.nanoTime() + timeout.toNanos();
            long graceEnd = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, graceEnd)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    final Alert a = AlertJson.fromJson(r.value());
                    assertEquals(a.channelId(), new String(r.key(), StandardCharsets.UTF_8), "keyed by channel id");
                    alerts.add(a);
                    if (a.alertId().equals(alertId) && graceEnd == Long.MAX_VALUE) {
                        // several more checkpoints: a duplicate would have been committed by then
                        graceEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                    }
                }
            }
        }
        return alerts;
    }
}
