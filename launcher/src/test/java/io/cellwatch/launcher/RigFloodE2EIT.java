package io.cellwatch.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.cellwatch.core.alert.Alert;
import io.cellwatch.core.alert.AlertIds;
import io.cellwatch.core.config.Settings;
import io.cellwatch.core.evaluation.DataQualityRules;
import io.cellwatch.core.model.CellForm;
import io.cellwatch.core.model.ChannelDeclaration;
import io.cellwatch.core.rules.UpperChargeVoltageRule;
import io.cellwatch.gateway.CellWatchGateway;
import io.cellwatch.gateway.GatewayConfig;
import io.cellwatch.jobs.JobConfig;
import io.cellwatch.jobs.StopConditionJob;
import io.cellwatch.kafka.embedded.EmbeddedKafkaBroker;
import io.cellwatch.rig.RigClient;
import io.cellwatch.rig.RigListener;
import io.cellwatch.rig.SampleBatch;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rig that floods must not starve another rig (issue 8). Against a real KRaft broker and the gateway: a normal
 * rig sends 10-sample frames at 50 frames/s (500 samples/s) while a second rig, on its own connection, sends
 * 1000-sample frames (32 KB, a 10 kHz rig's 100 ms batch) as fast as its socket takes them, for 8 s. The normal rig
 * must get every frame acknowledged, keep getting ACKs during the flood, and have every sample in Kafka; the flooding
 * rig is held back (the gateway stops reading a connection with too many frames waiting for Kafka, and TCP blocks
 * its writes while the gateway reads no faster than Kafka stores, and the per-connection sample-rate limit,
 * {@code gateway.max-samples-per-second}, pauses it) and must get every frame acknowledged and stored too. The
 * stop-condition job runs on a local MiniCluster: the normal rig's cell crosses 4.25 V during the flood, and the
 * committed alerts of both rigs must be exactly that one alert, once. What this test asserts holds with or without a
 * rate limit. Prints one {@code FLOOD ...} line with the figures for docs/reliability.md.
 * The broker and the job are shared by the two runs; each run has its own rigs and channels.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class RigFloodE2EIT {
    private static final String SAMPLES = "cellwatch.samples";
    private static final String ALERTS = "cellwatch.alerts";
    private static final String OVERCHARGE = "pse-app9/overcharge-protection";
    private static final long T0 = 1_790_000_000_000_000L;
    private static final int CALM_PER_FRAME = 10;
    private static final long CALM_PACE_MS = 20;
    private static final int FLOOD_PER_FRAME = 1000;
    private static final long FLOOD_MILLIS = 8_000;
    /** The normal rig's voltage is 4.20 V before this frame and 4.30 V from it on (about 2 s into the flood). */
    private static final int CALM_CROSSING_FRAME = 100;
    private static final long CALM_SAMPLE_PERIOD_US = 2_000; // 500 Hz

    @TempDir
    static Path workDir;
    private static EmbeddedKafkaBroker broker;
    private static JobClient job;

    @BeforeAll
    static void startBrokerAndJob() throws Exception {
        broker = EmbeddedKafkaBroker.builder().dataDirectory(workDir.resolve("kafka")).start();
        broker.createTopics(new NewTopic(SAMPLES, 2, (short) 1), new NewTopic(ALERTS, 1, (short) 1),
            new NewTopic(JobConfig.DEFAULT_DEAD_LETTERS_TOPIC, 1, (short) 1));
        final JobConfig jc = JobConfig.from(Settings.of(Map.of(
            JobConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers(),
            JobConfig.CHECKPOINT_INTERVAL, "300",
            JobConfig.GROUP_ID, "flood-" + System.nanoTime(),
            JobConfig.TRANSACTIONAL_ID_PREFIX, "flood-" + System.nanoTime())));
        job = StopConditionJob.start(StreamExecutionEnvironment.createLocalEnvironment(new Configuration()), jc);
    }

    @AfterAll
    static void stopBrokerAndJob() throws Exception {
        if (job != null) {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
        if (broker != null) {
            broker.close();
        }
    }

    /** The gateway's default settings ({@code gateway.max-unacked-frames=1024}). */
    @Test
    void shouldKeepAcknowledgingANormalRigWhenAnotherRigFloods() throws Exception {
        flood("defaults", "1", Map.of()).assertFair();
    }

    /**
     * With a small per-connection limit (64 frames of 32 KB waiting for Kafka) the gateway itself pauses reading the
     * flooding connection; the normal rig must be served all the same.
     */
    @Test
    void shouldKeepAcknowledgingANormalRigWhenAnotherRigFloodsAndTheGatewayPausesItsConnection() throws Exception {
        flood("max-unacked-64", "2", Map.of("gateway.max-unacked-frames", "64")).assertFair();
    }

    /** What one flood run measured. */
    private record Outcome(boolean calmAllAcked, int calmUnacked, boolean calmConnected, boolean calmAllInKafka,
                           boolean floodAllAcked, int floodUnacked, boolean floodAllInKafka,
                           long calmSamplesPerSecond, long floodSamplesPerSecond,
                           long longestGapMs, long floodBlockedMs, long gatewayPauses,
                           Set<String> expectedAlerts, List<String> seenAlerts) {
        void assertFair() {
            assertTrue(calmAllAcked, "every frame of the normal rig acknowledged; unacked " + calmUnacked);
            assertTrue(calmConnected, "the normal rig was never disconnected");
            assertTrue(calmAllInKafka, "every frame of the normal rig in Kafka");
            assertTrue(floodAllAcked, "every frame of the flooding rig acknowledged; unacked " + floodUnacked);
            assertTrue(floodAllInKafka, "every frame of the flooding rig in Kafka");
            // The alerts of the two rigs are those of the normal rig's data, once each (read_committed).
            assertEquals(expectedAlerts, new HashSet<>(seenAlerts), "the alert ids");
            assertEquals(expectedAlerts.size(), seenAlerts.size(), "each alert once: " + seenAlerts);
            // The flood is real: at least 20x the normal rig's rate got through.
            assertTrue(floodSamplesPerSecond >= 20 * calmSamplesPerSecond, "flood rate " + floodSamplesPerSecond);
            // The normal rig kept getting ACKs: never more than 5 s without one while frames were waiting
            // (ACKs take milliseconds when nothing floods; 5 s is the producer's max.block.ms).
            assertTrue(longestGapMs < 5_000, "longest ACK gap " + longestGapMs + " ms");
            // The flood was held back: the gateway paused its connection, or its socket writes blocked (TCP
            // back-pressure once the gateway reads no faster than Kafka stores).
            assertTrue(gatewayPauses > 0 || floodBlockedMs > 0, "the flooding rig was never held back");
        }
    }

    private Outcome flood(final String label, final String run, final Map<String, String> gatewaySettings)
        throws Exception {
        final String calmChannel = "rigCalm" + run + "/ch01";
        final String floodChannel = "rigFlood" + run + "/ch01";
        final Map<String, String> settings = new HashMap<>(gatewaySettings);
        settings.put("kafka.bootstrap-servers", broker.bootstrapServers());
        settings.put("gateway.rig-port", "0");
        settings.put("gateway.http-port", "-1");
        try (CellWatchGateway gateway = new CellWatchGateway(GatewayConfig.from(Settings.of(settings))).start()) {
            final int port = gateway.rigAddress().getPort();
            final AckTimes calmAcks = new AckTimes();
            final Flood flood = new Flood();
            final List<Long> calmSent = new ArrayList<>();
            final long pausesBefore = gateway.metrics().backpressurePauses.sum();
            final boolean calmAllAcked;
            final int calmUnacked;
            final boolean calmConnected;
            final boolean floodAllAcked;
            final int floodUnacked;
            try (RigClient calm = RigClient.connect("127.0.0.1", port, "rigCalm" + run, "", calmAcks,
                     Duration.ofSeconds(10));
                 RigClient flooder = RigClient.connect("127.0.0.1", port, "rigFlood" + run, "",
                     new RigListener() { }, Duration.ofSeconds(10))) {
                calmSent.add(calm.declareChannel(declaration(1, calmChannel, OVERCHARGE)));
                flood.sent.add(flooder.declareChannel(declaration(1, floodChannel, "cellwatch/monitor")));
                final Thread floodThread = new Thread(() -> flood.run(flooder), "flood");
                floodThread.setDaemon(true);
                final SampleBatch batch = new SampleBatch(CALM_PER_FRAME);
                final long start = System.nanoTime();
                floodThread.start();
                int f = 0;
                while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(FLOOD_MILLIS)) {
                    batch.clear();
                    for (int k = 0; k < CALM_PER_FRAME; k++) {
                        batch.add(calmSampleTime(f * CALM_PER_FRAME + k), f < CALM_CROSSING_FRAME ? 4.20f : 4.30f,
                            1.0f, 25f, Float.NaN, Float.NaN);
                    }
                    final long seq = calm.sendSamples(1, batch);
                    calmAcks.sentAt.put(seq, System.nanoTime());
                    calmSent.add(seq);
                    f++;
                    Thread.sleep(CALM_PACE_MS);
                }
                floodThread.join(TimeUnit.SECONDS.toMillis(30));
                assertTrue(!floodThread.isAlive(), "the flood thread ended");
                calmAllAcked = calm.awaitAcked(calmSent.get(calmSent.size() - 1), Duration.ofSeconds(30));
                calmUnacked = calm.unackedCount();
                calmConnected = calm.isConnected();
                // The flood may have been cut off; whatever it sent must be ACKed, after a resend if need be. The
                // newest frame may be one whose send failed (queued for the resend, not in flood.sent).
                final long floodLast = Math.max(flood.last(),
                    flooder.unackedSequences().stream().mapToLong(Long::longValue).max().orElse(Long.MIN_VALUE));
                if (!flooder.isConnected() || !flooder.awaitAcked(floodLast, Duration.ofSeconds(30))) {
                    flooder.reconnect(Duration.ofSeconds(10));
                }
                floodAllAcked = flooder.awaitAcked(floodLast, Duration.ofSeconds(30));
                floodUnacked = flooder.unackedCount();
            }
            final long pauses = gateway.metrics().backpressurePauses.sum() - pausesBefore;

            final Map<String, Map<Long, Integer>> stored =
                SamplesTopicReader.sequencesByChannel(broker.bootstrapServers(), SAMPLES, 2);
            final Set<Long> calmStored = stored.getOrDefault(calmChannel, Map.of()).keySet();
            final Set<Long> floodStored = stored.getOrDefault(floodChannel, Map.of()).keySet();
            assertTrue(calmSent.size() > CALM_CROSSING_FRAME + 1, "the normal rig reached its crossing");
            final Set<String> expectedAlerts = Set.of(AlertIds.of(calmChannel, UpperChargeVoltageRule.ID,
                calmSampleTime(CALM_CROSSING_FRAME * CALM_PER_FRAME)));
            final List<String> seenAlerts = AlertsTopicReader.readCommitted(broker.bootstrapServers(), ALERTS,
                    expectedAlerts, Duration.ofSeconds(90), Duration.ofSeconds(3)).stream()
                .filter(a -> a.channelId().equals(calmChannel) || a.channelId().equals(floodChannel))
                .filter(AlertsTopicReader::isDataDriven).map(Alert::alertId).toList();
            final long calmSamplesPerSecond = (calmSent.size() - 1) * CALM_PER_FRAME * 1000L / FLOOD_MILLIS;
            final long floodSamplesPerSecond = (flood.sent.size() - 1) * (long) FLOOD_PER_FRAME * 1000L / FLOOD_MILLIS;
            System.out.printf("FLOOD %s: normal rig frames sent=%d unacked at the end=%d inKafka=%d (%d samples/s),"
                    + " ACK delay ms p50=%d p99=%d max=%d, longest time without an ACK while waiting %d ms |"
                    + " flooding rig frames sent=%d (%d samples/s, %.0fx the normal rig), time blocked writing %d ms"
                    + " of %d, gateway back-pressure pauses %d, sample-rate pauses %d, unacked at the end=%d,"
                    + " inKafka=%d"
                    + " | gateway records sent=%d acknowledged=%d failed=%d | alerts expected=%d seen=%d%n",
                label, calmSent.size(), calmUnacked, calmStored.size(), calmSamplesPerSecond,
                calmAcks.percentile(50), calmAcks.percentile(99), calmAcks.percentile(100), calmAcks.longestGapMs(),
                flood.sent.size(), floodSamplesPerSecond, (double) floodSamplesPerSecond / calmSamplesPerSecond,
                TimeUnit.NANOSECONDS.toMillis(flood.blockedNanos), FLOOD_MILLIS, pauses,
                gateway.metrics().labeled("read_pauses", "reason", "sample_rate").sum(), floodUnacked,
                floodStored.size(), gateway.metrics().recordsSent.sum(), gateway.metrics().recordsAcknowledged.sum(),
                gateway.metrics().recordsFailed.sum(), expectedAlerts.size(), seenAlerts.size());
            final boolean floodAllInKafka;
            synchronized (flood.sent) {
                floodAllInKafka = floodStored.containsAll(flood.sent);
            }
            return new Outcome(calmAllAcked, calmUnacked, calmConnected, calmStored.equals(new HashSet<>(calmSent)),
                floodAllAcked, floodUnacked, floodAllInKafka, calmSamplesPerSecond, floodSamplesPerSecond,
                calmAcks.longestGapMs(), TimeUnit.NANOSECONDS.toMillis(flood.blockedNanos), pauses,
                expectedAlerts, seenAlerts);
        }
    }

    private static ChannelDeclaration declaration(final int no, final String channelId, final String procedure) {
        return new ChannelDeclaration(no, channelId, "SN-" + channelId, "LOT-FLOOD", procedure, 1,
            CellForm.CYLINDRICAL, 3.0, Map.of());
    }

    private static long calmSampleTime(final int sample) {
        return T0 + sample * CALM_SAMPLE_PERIOD_US;
    }

    /** The flooding rig: as fast as its socket takes the frames, counting how long writes block. */
    private static final class Flood {
        final List<Long> sent = new ArrayList<>();
        long blockedNanos;

        void run(final RigClient rig) {
            final SampleBatch batch = new SampleBatch(FLOOD_PER_FRAME);
            final long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FLOOD_MILLIS);
            long t = T0;
            try {
                while (System.nanoTime() < end) {
                    batch.clear();
                    for (int k = 0; k < FLOOD_PER_FRAME; k++) {
                        batch.add(t, 3.9f, 1.0f, 25f, Float.NaN, Float.NaN);
                        t += 100; // 10 kHz
                    }
                    final long before = System.nanoTime();
                    final long seq = rig.sendSamples(1, batch);
                    final long took = System.nanoTime() - before;
                    if (took > TimeUnit.MILLISECONDS.toNanos(1)) {
                        blockedNanos += took;
                    }
                    synchronized (sent) {
                        sent.add(seq);
                    }
                }
            } catch (IOException e) {
                // cut off (a rate limit may close the connection): the unacked frames stay queued for the resend
                System.out.println("FLOOD: the flooding rig's connection ended: " + e);
            }
        }

        long last() {
            synchronized (sent) {
                return sent.get(sent.size() - 1);
            }
        }
    }

    /** ACK arrival times of the normal rig. */
    private static final class AckTimes implements RigListener {
        final ConcurrentMap<Long, Long> sentAt = new ConcurrentHashMap<>();
        final List<Long> delaysMs = new ArrayList<>();
        final AtomicLong lastAckNanos = new AtomicLong(System.nanoTime());
        long longestGapNanos;

        @Override
        public synchronized void onAck(final long sequence) {
            final long now = System.nanoTime();
            // the gap only counts while frames were waiting for this ACK (sequences are rig-wide, not from 1)
            long waitingSince = now;
            for (Map.Entry<Long, Long> e : sentAt.entrySet()) {
                if (e.getKey() <= sequence) {
                    waitingSince = Math.min(waitingSince, e.getValue());
                    delaysMs.add(TimeUnit.NANOSECONDS.toMillis(now - e.getValue()));
                }
            }
            sentAt.keySet().removeIf(s -> s <= sequence);
            longestGapNanos = Math.max(longestGapNanos, now - Math.max(waitingSince, lastAckNanos.get()));
            lastAckNanos.set(now);
        }

        synchronized long percentile(final int p) {
            final List<Long> sorted = delaysMs.stream().sorted().toList();
            return sorted.isEmpty() ? -1 : sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100));
        }

        synchronized long longestGapMs() {
            return TimeUnit.NANOSECONDS.toMillis(longestGapNanos);
        }
    }
}
