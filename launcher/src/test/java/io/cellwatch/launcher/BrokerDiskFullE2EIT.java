package io.cellwatch.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.cellwatch.core.config.Settings;
import io.cellwatch.core.model.CellForm;
import io.cellwatch.core.model.ChannelDeclaration;
import io.cellwatch.gateway.CellWatchGateway;
import io.cellwatch.gateway.GatewayConfig;
import io.cellwatch.kafka.embedded.EmbeddedKafkaBroker;
import io.cellwatch.process.LogTail;
import io.cellwatch.rig.RigClient;
import io.cellwatch.rig.RigListener;
import io.cellwatch.rig.SampleBatch;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker's data folder fills up (issue 8). The KRaft broker's log directory is a small tmpfs (needs root, as on
 * this machine and in CI; fails as root when the mount fails, skipped only for a non-root user); a rig streams incompressible samples through the gateway until the
 * folder is full. What must happen: a clear error, no silent loss. The test shows that
 * <ul>
 *   <li>the broker logs the failure naming the folder ("No space left on device", an ERROR or WARN line with the
 *       log directory's path);</li>
 *   <li>the gateway stops acknowledging (it ACKs only what Kafka stored) and holds the rig back; its metrics show
 *       records handed to Kafka and not stored (or failed);</li>
 *   <li>after the folder is given room (tmpfs remounted larger) and the broker restarted, the rig reconnects and
 *       resends what was not ACKed: every frame the gateway had acknowledged before the disk filled, and every frame
 *       sent since, is on the samples topic, and nothing else.</li>
 * </ul>
 * Prints one {@code DISKFULL ...} line with the figures for docs/reliability.md.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class BrokerDiskFullE2EIT {
    private static final String SAMPLES = "cellwatch.samples";
    private static final int TMPFS_MB = 24;
    private static final int PER_FRAME = 1000;
    private static final long NO_ACK_FOR_MS = 5_000;
    private static final long FILL_LIMIT_MS = 60_000;
    private static final boolean IS_ROOT = "root".equals(System.getProperty("user.name"));

    @TempDir
    Path workDir;

    @Test
    void shouldStopAcknowledgingAndLoseNothingAcknowledgedWhenTheBrokersDataFolderIsFull() throws Exception {
        final Path dataDir = workDir.resolve("kafka");
        final Path logDir = Files.createDirectories(dataDir.resolve("kafka-logs")); // EmbeddedKafkaBroker's log dir
        final String mounted = run("mount", "-t", "tmpfs", "-o", "size=" + TMPFS_MB + "m", "tmpfs", logDir.toString());
        // CI runs as root (.ci/run), where mount works: there a failed mount is a broken environment and must fail
        // the build, not skip this scenario unnoticed. Only a developer's non-root build skips it.
        if (IS_ROOT) {
            assertNull(mounted, "running as root, but cannot mount a " + TMPFS_MB + " MB tmpfs for the broker's data"
                + " folder (a container without CAP_SYS_ADMIN?)");
        }
        Assumptions.assumeTrue(mounted == null, () -> "skipped: not root, cannot mount a " + TMPFS_MB
            + " MB tmpfs for the broker's data folder: " + mounted);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDirectory(dataDir).start()) {
            broker.createTopics(new NewTopic(SAMPLES, 1, (short) 1), new NewTopic("cellwatch.alerts", 1, (short) 1),
                new NewTopic("cellwatch.dead-letters", 1, (short) 1));
            final long logOffset = LogTail.endOffset(broker.logFile());
            try (CellWatchGateway gateway = new CellWatchGateway(GatewayConfig.from(Settings.of(Map.of(
                "kafka.bootstrap-servers", broker.bootstrapServers(),
                "gateway.rig-port", "0",
                "gateway.http-port", "-1",
                "gateway.max-unacked-frames", "64")))).start();
                 RigClient rig = RigClient.connect("127.0.0.1", gateway.rigAddress().getPort(), "rigDisk", "",
                     new RigListener() { }, Duration.ofSeconds(10))) {
                final List<Long> sent = new ArrayList<>();
                sent.add(rig.declareChannel(new ChannelDeclaration(1, "rigDisk/ch01", "SN-DISK", "LOT-D",
                    "cellwatch/monitor", 1, CellForm.CYLINDRICAL, 3.0, Map.of())));
                final Writer writer = new Writer(rig, sent);
                final long start = System.nanoTime();
                writer.start();

                // Stream until the gateway has acknowledged nothing for 5 s while frames were waiting.
                long lastAcked = rig.ackedSequence();
                long lastProgress = System.nanoTime();
                while (System.nanoTime() - lastProgress < TimeUnit.MILLISECONDS.toNanos(NO_ACK_FOR_MS)) {
                    assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(FILL_LIMIT_MS),
                        "the gateway still acknowledged after " + FILL_LIMIT_MS + " ms; acked " + rig.ackedSequence());
                    Thread.sleep(100);
                    final long acked = rig.ackedSequence();
                    if (acked != lastAcked || rig.unackedCount() == 0) {
                        lastAcked = acked;
                        lastProgress = System.nanoTime();
                    }
                }
                final long stalledAfterMs = TimeUnit.NANOSECONDS.toMillis(lastProgress - start);
                final long ackedBeforeFull = lastAcked;
                final int sentAtStall = writer.count();
                final long ackedFramesBeforeFull;
                synchronized (sent) {
                    ackedFramesBeforeFull = sent.stream().filter(s -> s <= ackedBeforeFull).count();
                }
                writer.stopAndJoin();

                // The broker names the cause and the folder.
                final String brokerLog = LogTail.lastLines(broker.logFile(), logOffset, 5_000);
                final List<String> diskLines = brokerLog.lines()
                    .filter(l -> l.contains("No space left on device")).toList();
                // An ERROR or WARN line (layout "[time] LEVEL message (logger)") that names the folder.
                final String dirLine = brokerLog.lines()
                    .filter(l -> l.contains(logDir.toString()) && (l.contains("] ERROR ") || l.contains("] WARN ")))
                    .findFirst().orElse("");
                assertTrue(!diskLines.isEmpty(), "the broker log says the disk is full:\n"
                    + LogTail.lastLines(broker.logFile(), logOffset, 40));
                assertTrue(!dirLine.isEmpty(), "an ERROR or WARN line of the broker names the data folder " + logDir
                    + ":\n" + LogTail.lastLines(broker.logFile(), logOffset, 40));
                final boolean brokerAlive = broker.isRunning();
                final long failed = gateway.metrics().recordsFailed.sum();
                final long pauses = gateway.metrics().backpressurePauses.sum();
                final long recordsSent = gateway.metrics().recordsSent.sum();
                final long recordsStored = gateway.metrics().recordsAcknowledged.sum();
                // The gateway's side of "a clear error": its metrics show records handed to Kafka and not stored
                // (still retried: records_sent > records_acknowledged) or given up (records_failed), never a silent
                // stall; and it acknowledged to the rig no more frames than Kafka confirmed.
                assertTrue(recordsSent > recordsStored || failed > 0, "the gateway's metrics show the unstored records:"
                    + " sent " + recordsSent + ", acknowledged by Kafka " + recordsStored + ", failed " + failed);
                assertTrue(ackedFramesBeforeFull <= recordsStored, "frames ACKed to the rig " + ackedFramesBeforeFull
                    + " <= records Kafka confirmed " + recordsStored);

                // Give the folder room, bring the broker back; the rig resends what was not acknowledged.
                final String remounted = run("mount", "-o", "remount,size=512m", logDir.toString());
                assertEquals(null, remounted, "remount");
                broker.kill();
                broker.start();
                long last = lastSent(sent);
                for (int attempt = 0; attempt < 6 && !rig.awaitAcked(last, Duration.ofSeconds(10)); attempt++) {
                    reconnect(rig);
                }
                // a write that was blocked by back-pressure completes once the gateway reads again: count it too
                writer.join(TimeUnit.SECONDS.toMillis(10));
                assertTrue(!writer.isAlive(), "the rig's writer ended");
                last = lastSent(sent);
                assertTrue(rig.awaitAcked(last, Duration.ofSeconds(5)), "all ACKed after recovery; unacked "
                    + rig.unackedSequences());

                final Map<Long, Integer> stored = SamplesTopicReader.sequencesByChannel(broker.bootstrapServers(), SAMPLES, 1)
                    .getOrDefault("rigDisk/ch01", Map.of());
                final Set<Long> missingAcked = new TreeSet<>();
                for (long s : sent) {
                    if (s <= ackedBeforeFull && !stored.containsKey(s)) {
                        missingAcked.add(s);
                    }
                }
                System.out.printf("DISKFULL: tmpfs %d MB; frames of %d samples (32 KB); gateway stopped ACKing after"
                        + " %d ms with %d frames ACKed (%d frames sent by then); broker %s; gateway recordsSent=%d"
                        + " recordsAcknowledged=%d recordsFailed=%d backpressurePauses=%d; broker log: '%s' ... '%s' | after remount+restart: sent=%d all ACKed,"
                        + " in Kafka %d records (%d distinct), acknowledged-before-full missing=%d%n",
                    TMPFS_MB, PER_FRAME, stalledAfterMs, ackedFramesBeforeFull, sentAtStall,
                    brokerAlive ? "still running" : "exited", recordsSent, recordsStored, failed, pauses, diskLines.get(0).trim(), dirLine.trim(),
                    lastSent(sent) == last ? sent.size() : -1, stored.values().stream().mapToInt(Integer::intValue).sum(), stored.size(),
                    missingAcked.size());
                assertEquals(Set.of(), missingAcked, "no acknowledged frame lost");
                synchronized (sent) {
                    assertEquals(new TreeSet<>(sent), new TreeSet<>(stored.keySet()), "every frame sent, nothing else");
                }
            }
        } finally {
            if (run("umount", logDir.toString()) != null) {
                run("umount", "-l", logDir.toString());
            }
        }
    }

    /** Streams incompressible frames (lz4 cannot shrink random floats) from a thread; writes may block. */
    private static final class Writer extends Thread {
        private final RigClient rig;
        private final List<Long> sent;
        private volatile boolean stop;

        Writer(final RigClient rig, final List<Long> sent) {
            super("disk-writer");
            setDaemon(true);
            this.rig = rig;
            this.sent = sent;
        }

        @Override
        public void run() {
            final SampleBatch batch = new SampleBatch(PER_FRAME);
            final SplittableRandom random = new SplittableRandom(8);
            long t = 1_790_000_000_000_000L;
            while (!stop) {
                batch.clear();
                for (int k = 0; k < PER_FRAME; k++) {
                    batch.add(t, 3.5f + (float) random.nextDouble(), (float) random.nextDouble(),
                        20f + (float) random.nextDouble(), Float.NaN, Float.NaN);
                    t += 100;
                }
                try {
                    final long seq = rig.sendSamples(1, batch);
                    synchronized (sent) {
                        sent.add(seq);
                    }
                } catch (IOException e) {
                    // the session ended (the gateway answered UNAVAILABLE): the frame stays queued for the resend
                    final List<Long> unacked = rig.unackedSequences();
                    synchronized (sent) {
                        if (!unacked.isEmpty() && !sent.contains(unacked.get(unacked.size() - 1))) {
                            sent.add(unacked.get(unacked.size() - 1));
                        }
                    }
                    return;
                }
            }
        }

        int count() {
            synchronized (sent) {
                return sent.size();
            }
        }

        void stopAndJoin() throws InterruptedException {
            stop = true;
            // a write blocked by back-pressure returns once the connection ends or is read again
            join(TimeUnit.SECONDS.toMillis(1));
        }
    }

    private static long lastSent(final List<Long> sent) {
        synchronized (sent) {
            return sent.get(sent.size() - 1);
        }
    }

    private static void reconnect(final RigClient rig) throws Exception {
        try {
            rig.reconnect(Duration.ofSeconds(5));
        } catch (IOException | TimeoutException e) {
            Thread.sleep(500); // the broker or the gateway's producer is not back yet; the caller tries again
        }
    }

    /** Runs a command; null when it succeeded, else its exit code and output. */
    private static String run(final String... command) throws IOException, InterruptedException {
        final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return p.waitFor() == 0 ? null : "exit " + p.exitValue() + ": " + out;
    }
}
