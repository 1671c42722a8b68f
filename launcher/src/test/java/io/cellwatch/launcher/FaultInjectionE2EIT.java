package io.cellwatch.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Properties;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cellwatch.core.alert.Alert;
import io.cellwatch.core.alert.AlertIds;
import io.cellwatch.core.config.Settings;
import io.cellwatch.core.model.CellForm;
import io.cellwatch.core.model.ChannelDeclaration;
import io.cellwatch.core.rules.UpperChargeVoltageRule;
import io.cellwatch.gateway.CellWatchGateway;
import io.cellwatch.gateway.GatewayConfig;
import io.cellwatch.flinkcluster.StandaloneFlinkCluster;
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
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.checkpoint.RestoredCheckpointStats;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault injection against real processes (issue 8): a known run (one channel of procedure
 * {@code pse-app9/overcharge-protection@1} crossing 4.25 V at a known sample, 400 SAMPLES frames) streams through
 * a real KRaft broker (child JVM), the gateway and the stop-condition job on a Flink MiniCluster in this JVM (in one
 * scenario on a standalone Flink cluster of child JVMs), while one part fails mid-stream and comes back: the gateway
 * (SIGKILL), the broker (SIGKILL), the job (cancelled, a new job restores its retained checkpoint), the TaskManager
 * (SIGKILL, the job restores its last checkpoint). At the end:
 * <ul>
 * <li>every sequence number the rig sent is on the samples topic, and every record there is a frame the rig sent
 * (repeats are rig resends, which the job drops by sequence number: its {@code repeatsSkipped} counter must account
 * for every repeat);</li>
 * <li>the alerts topic, read {@code read_committed}, holds exactly the alerts of a clean run: the same ids
 * ({@link AlertIds#of}), each once. The wall-clock silence alert (10 s without data: after the run, or while the
 * broker is down) is not part of the comparison: it depends on how long the fault lasts and when the test stops,
 * not on the data.</li>
 * </ul>
 * The fault scenarios make the resend of the alerting frame certain: the rig talks to the gateway through an
 * {@link AckHoldingProxy} that swallows the gateway's ACKs from a few frames before the crossing on; the fault
 * comes only once the alert is committed, and then the rig's connection breaks. So the rig resends the frame that
 * raised the alert, Kafka holds it twice, and only the job's de-duplication keeps the alert single.
 * <p>The broker and the Flink MiniCluster are shared by the scenarios (each has its own topics and job).
 * Each scenario prints one {@code FAULT ...} line with the figures published in {@code docs/reliability.md}.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class FaultInjectionE2EIT {
    private static final String RIG = "rigF";
    private static final String CHANNEL = "rigF/ch01";
    private static final String PROCEDURE = "pse-app9/overcharge-protection";
    private static final int FRAMES = 400;
    private static final int PER_FRAME = 10;
    /** Samples before this index sit at 4.20 V, from it on at 4.30 V: the upper charge voltage fires on it. */
    private static final int CROSSING_SAMPLE = 3_005;
    private static final int CROSSING_FRAME = CROSSING_SAMPLE / PER_FRAME;
    /** From this frame on the proxy swallows ACKs, so everything from here to the fault gets resent. */
    private static final int HOLD_ACKS_FROM_FRAME = CROSSING_FRAME - 10;
    /** Before sending this frame the scenario waits until the alert is committed (the alerting frame was used). */
    private static final int ALERT_COMMITTED_BY_FRAME = CROSSING_FRAME + 20;
    /** The fault hits before this frame is sent; the frames in between are in flight. */
    private static final int FAULT_AT_FRAME = CROSSING_FRAME + 30;
    /** Pause between frames (20x a real 100 Hz rig's pace), so that the fault hits frames in every stage. */
    private static final long PACE_MS = 5;
    private static final long T0 = 1_790_000_000_000_000L; // rig clock, us since the epoch
    private static final long SAMPLE_PERIOD_US = 10_000; // 100 Hz
    private static final String REPEATS_SKIPPED = "repeatsSkipped";
    /** Tags the scenario that runs the job on a standalone Flink cluster instead of the shared MiniCluster. */
    private static final String STANDALONE_FLINK = "standalone-flink-cluster";

    @TempDir
    static Path sharedDir;
    private static EmbeddedKafkaBroker broker;
    private static MiniCluster flinkCluster;

    @TempDir
    Path workDir;

    private String samplesTopic;
    private String alertsTopic;
    private JobConfig jobConfig;
    private JobClient job;
    /** Every job the scenario ran (a restore is a new job), for the counters. */
    private final List<String> jobIds = new ArrayList<>();
    private CellWatchGateway inProcessGateway;
    private Process childGateway;
    private AckHoldingProxy proxy;

    @BeforeAll
    static void startBrokerAndFlink() throws Exception {
        broker = EmbeddedKafkaBroker.builder().dataDirectory(sharedDir.resolve("kafka")).start();
        final Configuration flink = new Configuration();
        // The job's counters (repeatsSkipped) for the assertions, read in this JVM.
        flink.setString("metrics.reporter.counters.factory.class", JobCounters.Factory.class.getName());
        flinkCluster = new MiniCluster(new MiniClusterConfiguration.Builder()
            .setConfiguration(flink).setNumTaskManagers(1).setNumSlotsPerTaskManager(2).build());
        flinkCluster.start();
    }

    @AfterAll
    static void stopBrokerAndFlink() throws Exception {
        if (flinkCluster != null) {
            flinkCluster.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @BeforeEach
    void createTopicsAndStartJob(final TestInfo test) throws Exception {
        final String suffix = test.getTestMethod().orElseThrow().getName().hashCode() + "-" + System.nanoTime();
        samplesTopic = "samples-" + suffix;
        alertsTopic = "alerts-" + suffix;
        final String deadLetters = "dead-letters-" + suffix;
        broker.createTopics(new NewTopic(samplesTopic, 2, (short) 1), new NewTopic(alertsTopic, 1, (short) 1),
            new NewTopic(deadLetters, 1, (short) 1));
        jobConfig = JobConfig.from(Settings.of(Map.of(
            JobConfig.BOOTSTRAP_SERVERS, broker.bootstrapServers(),
            JobConfig.SAMPLES_TOPIC, samplesTopic,
            JobConfig.ALERTS_TOPIC, alertsTopic,
            JobConfig.DEAD_LETTERS_TOPIC, deadLetters,
            JobConfig.CHECKPOINT_INTERVAL, "300",
            JobConfig.GROUP_ID, "fault-" + suffix,
            JobConfig.TRANSACTIONAL_ID_PREFIX, "fault-" + suffix)));
        if (!test.getTags().contains(STANDALONE_FLINK)) {
            job = submitJob(null);
        }
    }

    @AfterEach
    void stopEverything() {
        if (proxy != null) {
            proxy.close();
        }
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
    }

    @Test
    void shouldLoseNothingAndAlertOnceWhenTheGatewayIsKilledMidStream() throws Exception {
        final int gatewayPort = LoopbackPorts.pickFree("127.0.0.1", 0);
        final Path log = workDir.resolve("gateway.log");
        childGateway = startChildGateway(gatewayPort, log);
        proxy = new AckHoldingProxy(new InetSocketAddress("127.0.0.1", gatewayPort));

        final Run run = new Run();
        final List<CompletableFuture<Process>> restarted = new ArrayList<>();
        try (RigClient rig = connect(proxy.port())) {
            run.sent.add(rig.declareChannel(declaration()));
            stream(rig, run, 0, FRAMES, () -> {
                // SIGKILL on our own handle: no shutdown hook, no producer flush, the connection just dies
                // with frames in flight (in the socket, in the gateway, in the producer, in Kafka unacked).
                ChildProcesses.kill(childGateway, Duration.ofSeconds(10), System.err::println);
                childGateway = null;
                run.noteFault(rig);
                proxy.dropConnections();
                // Brought back on the same port while the rig keeps streaming: the rig finds its connection
                // broken, reconnects with back-off until the new gateway listens, and resends.
                restarted.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return startChildGateway(gatewayPort, log);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            });
            childGateway = restarted.remove(0).get(90, TimeUnit.SECONDS);
            awaitAllAcked(rig, run);
        } finally {
            for (CompletableFuture<Process> p : restarted) {
                ChildProcesses.kill(p.get(90, TimeUnit.SECONDS), Duration.ofSeconds(10), System.err::println);
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
            stream(rig, run, 0, FRAMES, null);
            awaitAllAcked(rig, run);
            assertEquals(0, run.reconnects, "a clean run needs no reconnect");
        }
        assertEquals(FRAMES + 1, run.sent.size());
        check("clean-run", run);
    }

    @Test
    void shouldLoseNothingAndAlertOnceWhenTheBrokerIsKilledMidStream() throws Exception {
        proxy = new AckHoldingProxy(new InetSocketAddress("127.0.0.1", startInProcessGateway()));

        final Run run = new Run();
        try (RigClient rig = connect(proxy.port())) {
            run.sent.add(rig.declareChannel(declaration()));
            stream(rig, run, 0, FAULT_AT_FRAME, null);
            broker.kill(); // SIGKILL: no controlled shutdown, producer requests in flight
            run.noteFault(rig);
            proxy.dropConnections();
            // The rig keeps sending while the broker is gone; the gateway acknowledges nothing and stops reading
            // once 64 frames wait for Kafka, so the writes may block: send from another thread.
            final Thread writer = new Thread(() -> {
                try {
                    stream(rig, run, FAULT_AT_FRAME, FRAMES, null);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
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

    /**
     * The job cancelled mid-stream (its tasks stop, the open alert transaction is aborted) and a new job submitted
     * that restores the last checkpoint the cancelled one retained, as an operator would after losing the job. The
     * rig's connection breaks while no job runs, so its resends, the alerting frame among them, reach the restored
     * job: only the restored sequence filter keeps the alert single (a job started without the state would raise
     * it again, with the same id, and the check would see it twice).
     */
    @Test
    void shouldLoseNothingAndAlertOnceWhenTheJobIsCancelledAndRestoredFromItsLastCheckpoint() throws Exception {
        proxy = new AckHoldingProxy(new InetSocketAddress("127.0.0.1", startInProcessGateway()));
        final Run run = new Run();
        final List<String> restoredFrom = new ArrayList<>();
        try (RigClient rig = connect(proxy.port())) {
            run.sent.add(rig.declareChannel(declaration()));
            stream(rig, run, 0, FRAMES, () -> {
                final JobID cancelled = job.getJobID();
                job.cancel().get(30, TimeUnit.SECONDS);
                awaitJobStatus(cancelled, JobStatus.CANCELED);
                job = null;
                run.noteFault(rig);
                final String checkpoint = latestRetainedCheckpoint(cancelled);
                proxy.dropConnections();
                job = submitJob(checkpoint);
                assertRestoredFrom(job.getJobID(), checkpoint);
                restoredFrom.add(checkpoint);
            });
            awaitAllAcked(rig, run);
        }
        System.out.println("FAULT job-cancel-restore: restored from " + restoredFrom);
        check("job-cancel-restore", run);
    }

    /**
     * The job on a real standalone Flink cluster (JobManager and TaskManager JVMs, {@link StandaloneFlinkCluster}),
     * submitted as the shaded job jar; its TaskManager is killed with SIGKILL mid-stream and a new one started. The
     * JobManager restarts the job from its last completed checkpoint (Flink's checkpoint statistics must report the
     * restore). As in the other scenarios the rig then resends the alerting frame; the job's counters live in the
     * TaskManager JVM, so this scenario asserts what the topics show.
     */
    @Test
    @Tag(STANDALONE_FLINK)
    void shouldLoseNothingAndAlertOnceWhenTheTaskManagerIsKilledAndTheJobRestoresItsLastCheckpoint() throws Exception {
        final Path jobJar = Path.of(System.getProperty("cellwatch.job.jar", "cellwatch.job.jar-not-set"));
        assertTrue(Files.isRegularFile(jobJar), "no shaded job jar at " + jobJar + ": build flink-jobs first (-am)");
        try (StandaloneFlinkCluster flink = StandaloneFlinkCluster.builder()
                .workDirectory(workDir.resolve("flink"))
                .jvmArg("-XX:TieredStopAtLevel=1")
                // notice the dead TaskManager within seconds (default: 50 s)
                .configuration("heartbeat.interval", "1000")
                .configuration("heartbeat.timeout", "5000")
                .start()) {
            final String jobId = flink.submitJar(jobJar, List.of(
                "--kafka.bootstrap-servers=" + broker.bootstrapServers(),
                "--topics.samples=" + jobConfig.samplesTopic(),
                "--topics.alerts=" + jobConfig.alertsTopic(),
                "--topics.dead-letters=" + jobConfig.deadLettersTopic(),
                "--job.checkpoint-interval-ms=300",
                "--job.group-id=" + jobConfig.groupId(),
                "--job.transactional-id-prefix=" + jobConfig.transactionalIdPrefix()));
            flink.awaitJobStatus(jobId, "RUNNING", Duration.ofSeconds(120));
            proxy = new AckHoldingProxy(new InetSocketAddress("127.0.0.1", startInProcessGateway()));
            final Run run = new Run();
            final List<CompletableFuture<Void>> restarted = new ArrayList<>();
            try (RigClient rig = connect(proxy.port())) {
                run.sent.add(rig.declareChannel(declaration()));
                stream(rig, run, 0, FRAMES, () -> {
                    flink.killTaskManager();
                    run.noteFault(rig);
                    proxy.dropConnections();
                    // a new TaskManager while the rig keeps streaming, as a supervisor would restart it
                    restarted.add(CompletableFuture.runAsync(flink::startTaskManager));
                });
                restarted.get(0).get(180, TimeUnit.SECONDS);
                awaitAllAcked(rig, run);
            }
            final String restored = awaitRestoredCheckpoint(flink, jobId);
            System.out.println("FAULT taskmanager-sigkill: job restored " + restored);
            check("taskmanager-sigkill", run);
        }
    }

    /** Polls the job's checkpoint statistics ({@code GET /jobs/:id/checkpoints}) until they report a restore. */
    private static String awaitRestoredCheckpoint(final StandaloneFlinkCluster flink, final String jobId)
        throws Exception {
        final HttpClient http = HttpClient.newHttpClient();
        final HttpRequest request = HttpRequest.newBuilder(URI.create(flink.restUrl() + "/jobs/" + jobId
            + "/checkpoints")).timeout(Duration.ofSeconds(10)).build();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        String body = "";
        while (System.nanoTime() < deadline) {
            body = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
            final JsonNode restored = new ObjectMapper().readTree(body).path("latest").path("restored");
            if (restored.isObject()) {
                return restored.toString();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the job reports no restored checkpoint within 120 s: " + body);
    }

    /** What a scenario does to the stack just before frame {@link #FAULT_AT_FRAME} is sent. */
    @FunctionalInterface
    private interface Fault {
        void inject() throws Exception;
    }

    /**
     * Streams frames {@code from} (inclusive) to {@code to} at the rig's pace. With the proxy in place, holds ACKs
     * and waits for the alert first (see {@link #beforeFrame}); with a fault, injects it before its frame.
     */
    private void stream(final RigClient rig, final Run run, final int from, final int to, final Fault fault)
        throws Exception {
        final SampleBatch batch = new SampleBatch(PER_FRAME);
        for (int f = from; f < to; f++) {
            if (proxy != null) {
                beforeFrame(f);
            }
            if (f == FAULT_AT_FRAME && fault != null) {
                fault.inject();
            }
            run.add(f, sendOrQueue(rig, batch, f));
            Thread.sleep(PACE_MS);
        }
    }

    // ---- the run -------------------------------------------------------------------------------------------

    /** What one scenario sent and saw. */
    private static final class Run {
        final List<Long> sent = new ArrayList<>();
        /** The sequence number of the frame with the crossing sample (the frame that raises the alert). */
        volatile long alertingSequence = -1;
        int unackedAtFault;
        int ackedAtFault;
        int reconnects;

        void add(final int frame, final long sequence) {
            synchronized (sent) {
                sent.add(sequence);
            }
            if (frame == CROSSING_FRAME) {
                alertingSequence = sequence;
            }
        }

        void noteFault(final RigClient rig) {
            synchronized (sent) {
                unackedAtFault = rig.unackedCount();
                ackedAtFault = sent.size() - unackedAtFault;
            }
        }
    }

    /**
     * The fault scenarios' preparation: hold the gateway's ACKs from a few frames before the crossing, and before the
     * fault wait until the alert is committed, so the frame that raised it is stored, used, and still unacknowledged.
     */
    private void beforeFrame(final int frame) {
        if (frame == HOLD_ACKS_FROM_FRAME) {
            proxy.holdReplies();
        } else if (frame == ALERT_COMMITTED_BY_FRAME) {
            final Set<String> expected = expectedAlertIds();
            final List<Alert> seen = readCommittedAlerts(expected, Duration.ofSeconds(60), Duration.ZERO);
            assertTrue(seen.stream().map(Alert::alertId).collect(Collectors.toSet()).containsAll(expected),
                "the alert is committed before the fault; seen: " + seen);
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
            "topics.samples", samplesTopic,
            "topics.alerts", alertsTopic,
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
                .arg("--topics.samples=" + samplesTopic)
                .arg("--topics.alerts=" + alertsTopic)
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

    // ---- the job -------------------------------------------------------------------------------------------

    /**
     * Submits the job as {@code StopConditionJob.start} builds it to the shared MiniCluster (through its REST address,
     * as {@code flink run} would), retaining checkpoints on cancellation; restores the given checkpoint if not null.
     */
    private JobClient submitJob(final String restoreFrom) throws Exception {
        final Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, workDir.resolve("checkpoints").toUri().toString());
        conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
            ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        if (restoreFrom != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom);
        }
        final URI rest = flinkCluster.getRestAddress().get(10, TimeUnit.SECONDS);
        final JobClient client = StopConditionJob.start(
            StreamExecutionEnvironment.createRemoteEnvironment(rest.getHost(), rest.getPort(), conf), jobConfig);
        jobIds.add(client.getJobID().toHexString());
        awaitJobStatus(client.getJobID(), JobStatus.RUNNING);
        return client;
    }

    private static void awaitJobStatus(final JobID id, final JobStatus wanted) throws Exception {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        JobStatus status;
        while ((status = flinkCluster.getJobStatus(id).get(10, TimeUnit.SECONDS)) != wanted) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("job " + id + " not " + wanted + " within 60 s: " + status);
            }
            Thread.sleep(100);
        }
    }

    /** The newest complete checkpoint the cancelled job left in the checkpoint directory. */
    private String latestRetainedCheckpoint(final JobID cancelled) throws IOException {
        final Path dir = workDir.resolve("checkpoints").resolve(cancelled.toHexString());
        try (Stream<Path> children = Files.list(dir)) {
            final Path newest = children
                .filter(c -> c.getFileName().toString().startsWith("chk-") && Files.exists(c.resolve("_metadata")))
                .max(Comparator.comparingLong(c -> Long.parseLong(c.getFileName().toString().substring(4))))
                .orElseThrow(() -> new AssertionError("no retained checkpoint in " + dir));
            return newest.toUri().toString();
        }
    }

    /** The running job reports, in Flink's checkpoint statistics, that it restored the given checkpoint. */
    private static void assertRestoredFrom(final JobID id, final String checkpoint) throws Exception {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        RestoredCheckpointStats restored = null;
        while (restored == null && System.nanoTime() < deadline) {
            restored = flinkCluster.getExecutionGraph(id).get(10, TimeUnit.SECONDS).getCheckpointStatsSnapshot()
                .getLatestRestoredCheckpoint();
            if (restored == null) {
                Thread.sleep(100);
            }
        }
        assertNotNull(restored, "the new job reports no restored checkpoint");
        assertEquals(Path.of(URI.create(checkpoint)).normalize(),
            Path.of(URI.create(restored.getExternalPath())).normalize(), "the checkpoint restored");
    }

    // ---- checks --------------------------------------------------------------------------------------------

    private void check(final String scenario, final Run run) throws Exception {
        final List<Long> sent;
        synchronized (run.sent) {
            sent = List.copyOf(run.sent);
        }
        final Map<Long, Integer> stored = readSequences();
        final int records = stored.values().stream().mapToInt(Integer::intValue).sum();
        final int repeats = records - stored.size();
        final Set<Long> missing = new TreeSet<>(sent);
        missing.removeAll(stored.keySet());
        assertEquals(Set.of(), missing, "frames sent (and acknowledged) but not in Kafka");
        assertEquals(new TreeSet<>(sent), new TreeSet<>(stored.keySet()), "nothing in Kafka that was not sent");

        awaitJobCaughtUp();
        final Set<String> expected = expectedAlertIds();
        final List<Alert> alerts = readCommittedAlerts(expected, Duration.ofSeconds(90), Duration.ofSeconds(3));
        final List<String> compared = alerts.stream().filter(AlertsTopicReader::isDataDriven)
            .map(Alert::alertId).sorted().collect(Collectors.toList());
        final List<String> others = alerts.stream().filter(a -> !AlertsTopicReader.isDataDriven(a))
            .map(Alert::rule).sorted().collect(Collectors.toList());
        final int alertingCopies = stored.getOrDefault(run.alertingSequence, 0);
        // The job's counters are readable only from the MiniCluster in this JVM.
        final boolean countersReadable = !jobIds.isEmpty();
        final long skipped = countersReadable ? awaitRepeatsSkipped(repeats) : -1;
        System.out.printf("FAULT %s: frames sent=%d acked=%d inKafka=%d records (%d distinct) duplicates=%d "
                + "alertingFrameCopies=%d jobRepeatsSkipped=%d (task attempts %d) ackedAtFault=%d unackedAtFault=%d"
                + " extraReconnects=%d | alerts expected=%d seen=%d (committed) ids=%s;"
                + " not compared (wall clock): %s%n",
            scenario, sent.size(), sent.size(), records, stored.size(), repeats, alertingCopies, skipped,
            taskAttempts(), run.ackedAtFault, run.unackedAtFault, run.reconnects, expected.size(), compared.size(),
            compared, others);
        assertEquals(new TreeSet<>(expected), new TreeSet<>(compared), "the alert ids of a clean run");
        assertEquals(expected.size(), compared.size(), "each alert exactly once (read_committed): " + compared);
        if (proxy == null) {
            assertEquals(0, repeats, "a clean run stores every frame once");
            assertEquals(0, skipped, "a clean run gives the job nothing to skip");
        } else {
            // The fault scenarios: the frame that raised the alert was stored, then resent (its ACK was held).
            assertTrue(alertingCopies >= 2, "the alerting frame is in Kafka more than once: " + alertingCopies);
            // Every repeat in Kafka reached the job and was skipped by its sequence filter. With one task attempt
            // the counts are equal; a restarted or restored job may count a repeat twice (once before the
            // checkpoint it went back to, once after).
            if (!countersReadable) {
                System.out.println("FAULT " + scenario + ": the job's repeatsSkipped counter is in another JVM");
            } else if (taskAttempts() == 1) {
                assertEquals(repeats, skipped, "repeats skipped by the job = repeats in Kafka");
            } else {
                assertTrue(skipped >= repeats, "repeats skipped by the job " + skipped + " < repeats in Kafka "
                    + repeats);
            }
        }
    }

    /**
     * Waits until the job's Kafka source has committed offsets up to the end of the samples topic. It commits them when
     * a checkpoint completes, the same moment the alerts sink commits its transaction: from then on every alert the
     * records can raise is committed, resends included, so a duplicate could not show up only after the check.
     */
    private void awaitJobCaughtUp() throws Exception {
        final Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            final Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int i = 0; i < 2; i++) {
                latest.put(new TopicPartition(samplesTopic, i), OffsetSpec.latest());
            }
            final Map<TopicPartition, Long> end = new HashMap<>();
            admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).forEach((tp, r) -> end.put(tp, r.offset()));
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            Map<TopicPartition, OffsetAndMetadata> committed = Map.of();
            while (System.nanoTime() < deadline) {
                committed = admin.listConsumerGroupOffsets(jobConfig.groupId()).partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS);
                final Map<TopicPartition, OffsetAndMetadata> now = committed;
                if (end.entrySet().stream().allMatch(e -> e.getValue() == 0
                    || now.get(e.getKey()) != null && now.get(e.getKey()).offset() >= e.getValue())) {
                    return;
                }
                Thread.sleep(200);
            }
            throw new AssertionError("the job did not catch up within 90 s: end offsets " + end + ", committed "
                + committed);
        }
    }

    /**
     * The job's repeatsSkipped counter summed over every job and task attempt of the scenario, once it reached
     * {@code atLeast} or after 30 s (the job may still be reading the last resends).
     */
    private long awaitRepeatsSkipped(final int atLeast) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long skipped = repeatsSkipped();
        while (skipped < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(100);
            skipped = repeatsSkipped();
        }
        return skipped;
    }

    private int taskAttempts() {
        return jobIds.stream().mapToInt(id -> JobCounters.attempts(id, REPEATS_SKIPPED)).sum();
    }

    private long repeatsSkipped() {
        return jobIds.stream().mapToLong(id -> JobCounters.sum(id, REPEATS_SKIPPED)).sum();
    }

    /** Sequence number -> how many records on the samples topic carry it. */
    private Map<Long, Integer> readSequences() {
        return SamplesTopicReader.sequencesByChannel(broker.bootstrapServers(), samplesTopic, 2)
            .getOrDefault(CHANNEL, Map.of());
    }

    private List<Alert> readCommittedAlerts(final Set<String> expected, final Duration timeout, final Duration grace) {
        return AlertsTopicReader.readCommitted(broker.bootstrapServers(), alertsTopic, expected, timeout, grace);
    }
}
