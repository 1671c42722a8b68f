package io.cellwatch.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.cellwatch.core.alert.Alert;
import io.cellwatch.core.alert.AlertIds;
import io.cellwatch.core.alert.AlertJson;
import io.cellwatch.core.config.Settings;
import io.cellwatch.core.evaluation.DataQualityRules;
import io.cellwatch.core.model.CellForm;
import io.cellwatch.core.model.ChannelDeclaration;
import io.cellwatch.core.rules.UpperChargeVoltageRule;
import io.cellwatch.gateway.CellWatchGateway;
import io.cellwatch.gateway.GatewayConfig;
import io.cellwatch.gateway.GatewayMain;
import io.cellwatch.jobs.JobConfig;
import io.cellwatch.jobs.StopConditionJob;
import io.cellwatch.kafka.embedded.EmbeddedKafkaBroker;
import io.cellwatch.process.ChildJvm;
import io.cellwatch.process.ChildProcesses;
import io.cellwatch.process.LogTail;
import io.cellwatch.process.LoopbackPorts;
import io.cellwatch.rig.RigClient;
import io.cellwatch.rig.RigListener;
import io.cellwatch.rig.SampleBatch;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault injection against real processes (issue 8): a known run (one channel of procedure
 * {@code pse-app9/overcharge-protection@1} crossing 4.25 V at a known sample, 400 SAMPLES frames) streams through
 * a real KRaft broker (child JVM), the gateway and the stop-condition job on a local Flink MiniCluster, while one
 * part is killed with SIGKILL mid-stream and brought back. At the end:
 * <ul>
 * <li>every sequence number the rig sent is on the samples topic, and every record there is a frame the rig sent
 * (repeats are rig resends, which the job drops by sequence number);</li>
 * <li>the alerts topic, read {@code read_committed}, holds exactly the alerts of a clean run: the same ids
 * ({@link AlertIds#of}), each once. The wall-clock silence alert (10 s without data: after the run, or while the
 * broker is down) is not part of the comparison: it depends on how long the fault lasts and when the test stops,
 * not on the data.</li>
 * </ul>
 * Each scenario prints one {@code FAULT ...} line with the figures published in {@code docs/reliability.md}.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class FaultInjectionE2EIT {
    private static final String SAMPLES = "cellwatch.samples";
    private static final String ALERTS = "cellwatch.alerts";
    private static final String DEAD_LETTERS = "cellwatch.dead-letters";
    private static final String RIG = "rigF";
    private static final String CHANNEL = "rigF/ch01";
    private static final String PROCEDURE = "pse-app9/overcharge-protection";
    private static final int FRAMES = 400;
    private static final int PER_FRAME = 10;
    /** Samples before this index sit at 4.20 V, from it on at 4.30 V: the upper charge voltage fires on it. */
    private static final int CROSSING_SAMPLE = 3_005;
    private static final int FAULT_AT_FRAME = 200;
    /** Pause between frames (20x a real 100 Hz rig's pace), so that the fault hits frames in every stage. */
    private static final long PACE_MS = 5;
    private static final long T0 = 1_790_000_000_000_000L; // rig clock, us since the epoch
    private static final long SAMPLE_PERIOD_US = 10_000; // 100 Hz

    @TempDir
    Path workDir;

    private EmbeddedKafkaBroker broker;
    private JobClient job;
    private CellWatchGateway inProcessGateway;
    private Process childGateway;

    @BeforeEach
    void startBrokerAndJob() throws Exception {
        broker = EmbeddedKafkaBroker.builder().dataDirectory(workDir.resolve("kafka")).start();
        broker.createTopics(new NewTopic(SAMPLES, 2, (short) 1), new NewTopic(ALERTS, 1, (short) 1),
            new NewTopic(DEAD_LETTERS, 1, (short) 1));
        final JobConfig jc = JobConfig.from(Settings.of(Map.of(
            JobConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers(),
            JobConfig.CHECKPOINT_INTERVAL, "300",
            JobConfig.GROUP_ID, "fault-" + System.nanoTime(),
            JobConfig.TRANSACTIONAL_ID_PREFIX, "fault-" + System.nanoTime())));
        // As CellWatchStack runs it: a local MiniCluster in this JVM.
        final Configuration flink = new Configuration();
        flink.set(TaskManagerOptions.NUM_TASK_SLOTS, 1);
        job = StopConditionJob.start(StreamExecutionEnvironment.createLocalEnvironment(flink), jc);
    }

    @AfterEach
    void stopEverything() {
        if (childGateway != null) {
            ChildProcesses.kill(childGateway, Duration.ofSeconds(10), System.err::println);
        }
        if (inProcessGateway != null) {
            inProcessGateway.close();
        }
        if (job != null) {
            try {
                job.cancel().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                System.err.println("cancelling the job failed: " + e);
            }
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldLoseNothingAndAlertOnceWhenTheGatewayIsKilledMidStream() throws Exception {
        final int rigPort = LoopbackPorts.pickFree("127.0.0.1", 0);
        final Path log = workDir.resolve("gateway.log");
        childGateway = startChildGateway(rigPort, log);

        final Run run = new Run();
        CompletableFuture<Process> restarted = null;
        try (RigClient rig = connect(rigPort)) {
            run.sent.add(rig.declareChannel(declaration()));
            final SampleBatch batch = new SampleBatch(PER_FRAME);
            for (int f = 0; f < FRAMES; f++) {
                if (f == FAULT_AT_FRAME) {
                    // SIGKILL on our own handle: no shutdown hook, no producer flush, the connection just dies
                    // with frames in flight (in the socket, in the gateway, in the producer, in Kafka unacked).
                    ChildProcesses.kill(childGateway, Duration.ofSeconds(10), System.err::println);
                    childGateway = null;
                    run.noteFault(rig);
                    // Brought back on the same port while the rig keeps streaming: the rig finds its connection
                    // broken, reconnects with back-off until the new gateway listens, and resends.
                    restarted = CompletableFuture.supplyAsync(() -> {
                        try {
                            return startChildGateway(rigPort, log);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
                }
                run.sent.add(sendOrQueue(rig, batch, f));
                Thread.sleep(PACE_MS);
            }
            childGateway = restarted.get(90, TimeUnit.SECONDS);
            restarted = null;
            awaitAllAcked(rig, run);
        } finally {
            if (restarted != null) {
                final Process p = restarted.get(90, TimeUnit.SECONDS);
                ChildProcesses.kill(p, Duration.ofSeconds(10), System.err::println);
            }
        }
        check("gateway-sigkill", run);
    }

    /**
     * The reference the fault scenarios are compared with, measured: the same run with no fault raises exactly the
     * alert ids {@link #expectedAlertIds()} computes from the data, once each. If this test fails, the computed set
     * is wrong and so is every fault scenario's comparison.
     */
    @Test
    void shouldRaiseExactlyTheComputedAlertsWhenNothingFails() throws Exception {
        final int rigPort = startInProcessGateway();
        final Run run = new Run();
        try (RigClient rig = connect(rigPort)) {
            run.sent.add(rig.declareChannel(declaration()));
            final SampleBatch batch = new SampleBatch(PER_FRAME);
            for (int f = 0; f < FRAMES; f++) {
                run.sent.add(sendOrQueue(rig, batch, f));
                Thread.sleep(PACE_MS);
            }
            awaitAllAcked(rig, run);
            assertEquals(0, run.reconnects, "a clean run needs no reconnect");
        }
        assertEquals(FRAMES + 1, run.sent.size());
        check("clean-run", run);
    }

    @Test
    void shouldLoseNothingAndAlertOnceWhenTheBrokerIsKilledMidStream() throws Exception {
        final int rigPort = startInProcessGateway();

        final Run run = new Run();
        try (RigClient rig = connect(rigPort)) {
            run.sent.add(rig.declareChannel(declaration()));
            final SampleBatch batch = new SampleBatch(PER_FRAME);
            for (int f = 0; f < FAULT_AT_FRAME; f++) {
                run.sent.add(sendOrQueue(rig, batch, f));
                Thread.sleep(PACE_MS);
            }
            broker.kill(); // SIGKILL: no controlled shutdown, producer requests in flight
            run.noteFault(rig);
            // The rig keeps sending while the broker is gone; the gateway acknowledges nothing and stops reading
            // once 64 frames wait for Kafka, so the writes may block: send from another thread.
            final Thread writer = new Thread(() -> {
                final SampleBatch b = new SampleBatch(PER_FRAME);
                for (int f = FAULT_AT_FRAME; f < FRAMES; f++) {
                    try {
                        final long seq = sendOrQueue(rig, b, f);
                        synchronized (run.sent) {
                            run.sent.add(seq);
                        }
                        Thread.sleep(PACE_MS);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            }, "fault-writer");
            writer.setDaemon(true);
            writer.start();
            Thread.sleep(2_000);
            broker.restart(); // same data directory and ports
            writer.join(TimeUnit.SECONDS.toMillis(60));
            assertTrue(!writer.isAlive(), "the rig could send all frames");
            awaitAllAcked(rig, run);
        }
        check("broker-sigkill", run);
    }

    // ---- the run -------------------------------------------------------------------------------------------

    /** What one scenario sent and saw. */
    private static final class Run {
        final List<Long> sent = new ArrayList<>();
        int unackedAtFault;
        int ackedAtFault;
        int reconnects;

        void noteFault(final RigClient rig) {
            synchronized (sent) {
                unackedAtFault = rig.unackedCount();
                ackedAtFault = sent.size() - unackedAtFault;
            }
        }
    }

    private static ChannelDeclaration declaration() {
        return new ChannelDeclaration(1, CHANNEL, "SN-F1", "LOT-F", PROCEDURE, 1, CellForm.CYLINDRICAL, 3.0,
            Map.of());
    }

    private static SampleBatch fill(final SampleBatch batch, final int frame) {
        batch.clear();
        for (int k = 0; k < PER_FRAME; k++) {
            final int i = frame * PER_FRAME + k;
            batch.add(sampleTime(i), i < CROSSING_SAMPLE ? 4.20f : 4.30f, 1.5f, 25f, Float.NaN, Float.NaN);
        }
        return batch;
    }

    private static long sampleTime(final int sample) {
        return T0 + sample * SAMPLE_PERIOD_US;
    }

    /** The alert ids a clean run raises (data-driven rules; see the class comment for the silence alert). */
    private static Set<String> expectedAlertIds() {
        return Set.of(AlertIds.of(CHANNEL, UpperChargeVoltageRule.ID, sampleTime(CROSSING_SAMPLE)));
    }

    // ---- rig side ------------------------------------------------------------------------------------------

    private static RigClient connect(final int port) throws Exception {
        return RigClient.connect("127.0.0.1", port, RIG, "", new RigListener() { }, Duration.ofSeconds(10));
    }

    /** Sends a frame; when the connection broke, the frame stays queued in the client and goes out on reconnect. */
    private long sendOrQueue(final RigClient rig, final SampleBatch batch, final int frame) throws Exception {
        try {
            return rig.sendSamples(1, fill(batch, frame));
        } catch (IOException e) {
            // The failed frame is the newest unacked one; nothing can acknowledge it before the resend below.
            final List<Long> unacked = rig.unackedSequences();
            final long seq = unacked.get(unacked.size() - 1);
            reconnect(rig);
            return seq;
        }
    }

    private static void reconnect(final RigClient rig) throws Exception {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
        while (true) {
            try {
                rig.reconnect(Duration.ofSeconds(5));
                return;
            } catch (IOException | java.util.concurrent.TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    private static void awaitAllAcked(final RigClient rig, final Run run) throws Exception {
        final long last;
        synchronized (run.sent) {
            last = run.sent.get(run.sent.size() - 1);
        }
        for (int attempt = 0; attempt < 3 && !rig.awaitAcked(last, Duration.ofSeconds(20)); attempt++) {
            // the last frames may have gone to a dead connection, or the session ended on UNAVAILABLE: resend
            reconnect(rig);
            run.reconnects++;
        }
        assertTrue(rig.awaitAcked(last, Duration.ofSeconds(5)), "unacked: " + rig.unackedSequences());
        assertEquals(0, rig.unackedCount(), "every frame acknowledged");
    }

    /** The gateway in this JVM, as {@code CellWatchStack} runs it; returns its rig port. */
    private int startInProcessGateway() throws InterruptedException {
        inProcessGateway = new CellWatchGateway(GatewayConfig.from(Settings.of(Map.of(
            "kafka.bootstrap-servers", broker.bootstrapServers(),
            "gateway.rig-port", "0",
            "gateway.http-port", "-1",
            "gateway.max-unacked-frames", "64")))).start();
        return inProcessGateway.rigAddress().getPort();
    }

    // ---- the gateway as a child JVM ------------------------------------------------------------------------

    private Process startChildGateway(final int rigPort, final Path log) throws Exception {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            final long offset = LogTail.endOffset(log);
            final Process p = ChildJvm.builder(ChildJvm.defaultJavaExecutable(), GatewayMain.class.getName())
                .jvmArg("--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")
                .jvmArg("-XX:TieredStopAtLevel=1")
                .jvmArg("-Xmx256m")
                .classpath(System.getProperty("java.class.path"))
                .watchParent(workDir.resolve("launcher"))
                .arg("--kafka.bootstrap-servers=" + broker.bootstrapServers())
                .arg("--gateway.rig-port=" + rigPort)
                .arg("--gateway.http-port=-1")
                .arg("--gateway.max-unacked-frames=64")
                .output(log, true)
                .build()
                .start();
            while (System.nanoTime() < deadline && p.isAlive()
                && !LogTail.contains(log, offset, "gateway listening for rigs on")) {
                Thread.sleep(100);
            }
            if (p.isAlive() && LogTail.contains(log, offset, "gateway listening for rigs on")) {
                return p;
            }
            ChildProcesses.kill(p, Duration.ofSeconds(10), System.err::println);
            if (System.nanoTime() >= deadline) {
                throw new IllegalStateException("the gateway did not start; log:\n"
                    + LogTail.lastLines(log, offset, 40));
            }
            Thread.sleep(500); // e.g. the port was not free yet: try again
        }
    }

    // ---- checks --------------------------------------------------------------------------------------------

    private void check(final String scenario, final Run run) throws Exception {
        final List<Long> sent;
        synchronized (run.sent) {
            sent = List.copyOf(run.sent);
        }
        final Map<Long, Integer> stored = readSequences();
        final int records = stored.values().stream().mapToInt(Integer::intValue).sum();
        final Set<Long> missing = new TreeSet<>(sent);
        missing.removeAll(stored.keySet());
        assertEquals(Set.of(), missing, "frames sent (and acknowledged) but not in Kafka");
        assertEquals(new TreeSet<>(sent), new TreeSet<>(stored.keySet()), "nothing in Kafka that was not sent");

        final Set<String> expected = expectedAlertIds();
        final List<Alert> alerts = readCommittedAlerts(expected, Duration.ofSeconds(90));
        final List<String> compared = alerts.stream()
            .filter(a -> !a.rule().equals(DataQualityRules.SILENT) && !a.rule().startsWith("gateway/"))
            .map(Alert::alertId).sorted().collect(Collectors.toList());
        final List<String> others = alerts.stream()
            .filter(a -> a.rule().equals(DataQualityRules.SILENT) || a.rule().startsWith("gateway/"))
            .map(Alert::rule).sorted().collect(Collectors.toList());
        System.out.printf("FAULT %s: frames sent=%d acked=%d inKafka=%d records (%d distinct) "
                + "resendsRemoved=%d ackedAtFault=%d unackedAtFault=%d extraReconnects=%d | alerts expected=%d seen=%d "
                + "(committed) ids=%s; not compared (wall clock): %s%n",
            scenario, sent.size(), sent.size(), records, stored.size(), records - stored.size(),
            run.ackedAtFault, run.unackedAtFault, run.reconnects, expected.size(), compared.size(), compared, others);
        assertEquals(new TreeSet<>(expected), new TreeSet<>(compared), "the alert ids of a clean run");
        assertEquals(expected.size(), compared.size(), "each alert exactly once (read_committed): " + compared);
    }

    /** Sequence number -> how many records on the samples topic carry it. */
    private Map<Long, Integer> readSequences() {
        return SamplesTopicReader.sequencesByChannel(broker.bootstrapServers(), SAMPLES, 2).getOrDefault(CHANNEL, Map.of());
    }

    /** Reads the alerts topic read_committed until every expected id is there, then a few more checkpoints. */
    private List<Alert> readCommittedAlerts(final Set<String> expected, final Duration timeout) {
        final List<Alert> alerts = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties("read_committed"))) {
            consumer.subscribe(List.of(ALERTS));
            final long deadline = System.nanoTime() + timeout.toNanos();
            long graceEnd = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, graceEnd)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    alerts.add(AlertJson.fromJson(r.value()));
                }
                if (graceEnd == Long.MAX_VALUE
                    && alerts.stream().map(Alert::alertId).collect(Collectors.toSet()).containsAll(expected)) {
                    // ten more checkpoints: a duplicate would have been committed by then
                    graceEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                }
            }
        }
        return alerts;
    }

    private Properties consumerProperties(final String isolation) {
        final Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "fault-reader-" + System.nanoTime());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }
}
