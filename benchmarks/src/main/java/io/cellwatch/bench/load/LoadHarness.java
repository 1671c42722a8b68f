package io.cellwatch.bench.load;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.cellwatch.core.config.ConfigException;
import org.HdrHistogram.Histogram;

/**
 * The end-to-end load and latency harness (issue 7): starts a pipeline on this machine, loads it from a simulated
 * fleet of rigs on a fixed schedule, and reports what went through and how fast. See {@code benchmarks/README.md}.
 *
 * <p>Timeline: stack start-up, rigs connect, then {@code warmup} s of load, the measured window of {@code duration}
 * s, and {@code drain} s more load so that replies to the window's last frames arrive under the same load. Only
 * frames due inside the window are measured; CPU, GC and interference are taken over the window.
 */
public final class LoadHarness {
    /** Thread groups below this share of a core are left out of the report. */
    private static final double THREAD_GROUP_MIN_CORES = 0.01;
    /** The state trend leaves out the first rig hour: the job is starting and each rule meets its first episode. */
    static final double STATE_TREND_FROM_RIG_HOURS = 1.0;

    private LoadHarness() {
    }

    public static void main(final String[] args) throws Exception {
        final LoadOptions options;
        try {
            options = LoadOptions.parse(args);
        } catch (ConfigException e) {
            System.err.println("load-harness: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (options == null) {
            System.out.println(LoadOptions.usage());
            return;
        }
        System.out.println("load-harness " + String.join(" ", args)); // the output names the run's flags
        final LoadResult result = run(options, System.out);
        System.out.println(result.text());
        if (options.jsonOut() != null) {
            final Path parent = options.jsonOut().toAbsolutePath().getParent();
            Files.createDirectories(parent);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(options.jsonOut().toFile(), result);
            System.out.println("results written to " + options.jsonOut());
        }
        // Flink and Kafka leave non-daemon threads behind after close
        System.exit(result.failure() == null ? 0 : 1);
    }

    /** Runs one load test; {@code progress} gets a line per step. */
    static LoadResult run(final LoadOptions o, final PrintStream progress) throws Exception {
        final String startedUtc = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        deleteTree(o.dataDir());
        try (PipelineUnderTest pipeline = start(o, progress)) {
            final Map<String, Long> pids = pipeline.jvmPids();
            final List<GcLog> gcLogs = new ArrayList<>();
            for (Map.Entry<String, Long> e : pids.entrySet()) {
                gcLogs.add(GcLog.start(e.getKey(), e.getValue(), o.dataDir().resolve("gc-" + e.getValue() + ".log")));
            }
            final LatencyClock clock = LatencyClock.startingIn(TimeUnit.MILLISECONDS.toNanos(2000),
                TimeUnit.SECONDS.toNanos(o.warmupSeconds()), TimeUnit.SECONDS.toNanos(o.durationSeconds()),
                o.rigTimeScale());
            if (o.jfr()) {
                startJfr(o, clock, pids, progress);
            }
            progress.printf("connecting %d rigs with %d channels ...%n", o.rigs(), o.channels());
            final Fleet fleet = new Fleet(o, pipeline.rigAddress(), clock);
            final Thread sender = new Thread(fleet::run, "load-sender");
            sender.start();
            final JobStateSampler state = pipeline instanceof CellWatchPipeline cw && o.stateEverySeconds() > 0
                ? new JobStateSampler(o, cw.jobId(), fleet, progress) : null;
            if (state != null) {
                progress.println(JobStateSampler.header());
                state.start();
            }
            progress.printf("load: %,d samples/s offered; warm-up %d s, measuring %d s, drain %d s%n",
                o.offeredSamplesPerSecond(), o.warmupSeconds(), o.durationSeconds(), o.drainSeconds());

            final GatewayScrape scrape = pipeline.metricsUri() == null ? null : new GatewayScrape(pipeline.metricsUri());
            rehearseMeasurementsUntil(clock.windowStartNanos(), pipeline);
            final MachineSnapshot before = MachineSnapshot.take();
            final long senderCpuBefore = fleet.senderCpuNanos();
            final ThreadCpu threadsBefore = ThreadCpu.take(before.cpuNanosByPid().keySet());
            final long ackedBefore = fleet.allSamplesAcked();
            final long[] gcFrom = gcLogs.stream().mapToLong(GcLog::size).toArray();
            if (scrape != null) {
                scrape.windowStarts(); // after the CPU snapshot: the scrape's own cost falls into the window, once
            }
            sleepUntil(clock.windowEndNanos());
            final MachineSnapshot after = MachineSnapshot.take();
            final long senderCpu = fleet.senderCpuNanos() - senderCpuBefore;
            final ThreadCpu threadsAfter = ThreadCpu.take(after.cpuNanosByPid().keySet());
            final long ackedDuringWindow = fleet.allSamplesAcked() - ackedBefore;
            final long[] gcTo = gcLogs.stream().mapToLong(GcLog::size).toArray();
            final List<LoadResult.GatewayLatency> gateway = scrape == null ? List.of() : scrape.windowEnds();
            progress.println("window over; draining ...");
            sender.join();
            awaitAcks(fleet, TimeUnit.SECONDS.toNanos(10));
            fleet.close();
            final List<LoadResult.StatePoint> jobState = state == null ? List.of() : state.stop();
            return result(o, pipeline, startedUtc, clock, fleet, before, after, threadsBefore, threadsAfter,
                ackedDuringWindow, gcLogs, gcFrom, gcTo, gateway, scrape == null ? null : scrape.error(), jobState,
                    senderCpu);
        }
    }

    /**
     * JFR (profile settings) in every JVM of the pipeline, over the window only. Started now with a delay, because
     * attaching jcmd and starting a recording under full load took seconds and stalled the run.
     */
    private static void startJfr(final LoadOptions o, final LatencyClock clock, final Map<String, Long> pids,
                                 final PrintStream progress) {
        for (Map.Entry<String, Long> e : pids.entrySet()) {
            // jcmd takes whole seconds here: the recording starts within a second after the window does
            final long delayS = Math.max(0, (clock.windowStartNanos() - System.nanoTime() + 999_999_999L) / 1_000_000_000L);
            final Path f = o.dataDir().resolve("window-" + e.getValue() + ".jfr").toAbsolutePath();
            final String err = GcLog.jcmd(e.getValue(), "JFR.start", "name=load", "settings=profile",
                "delay=" + delayS + "s", "duration=" + o.durationSeconds() + "s", "filename=" + f);
            progress.println(err == null ? "JFR will record " + e.getKey() + " over the window into " + f : err);
        }
    }

    private static PipelineUnderTest start(final LoadOptions o, final PrintStream progress) throws Exception {
        return switch (o.pipeline()) {
            case "naive" -> new NaivePipeline(o.dataDir(), o.brokerJvmArgs(), progress);
            case "floor" -> new FloorPipeline(progress);
            default -> new CellWatchPipeline(o.dataDir(), o.brokerJvmArgs(), o.brokerProperties(), o.stackSettings(),
                o.stateEverySeconds() > 0 ? FlinkJobMetrics.FLINK_SETTINGS : Map.of(), progress);
        };
    }

    private static void awaitAcks(final Fleet fleet, final long timeoutNanos) throws InterruptedException {
        final long deadline = System.nanoTime() + timeoutNanos;
        for (LeanRig r : fleet.rigs()) {
            while (r.ackedSequence() < r.lastSentSequence() && r.failure() == null
                && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
    }

    /** How often the warm-up repeats the window's measurements (a Prometheus scrape interval). */
    static final int REHEARSE_EVERY_SECONDS = 10;

    private static LoadResult result(final LoadOptions o, final PipelineUnderTest pipeline, final String startedUtc,
                                     final LatencyClock clock, final Fleet fleet, final MachineSnapshot before,
                                     final MachineSnapshot after, final ThreadCpu threadsBefore,
                                     final ThreadCpu threadsAfter, final long ackedDuringWindow,
                                     final List<GcLog> gcLogs, final long[] gcFrom,
                                     final long[] gcTo, final List<LoadResult.GatewayLatency> gateway,
                                     final String gatewayError, final List<LoadResult.StatePoint> jobState,
                                     final long senderCpuNanos) {
        final Histogram ack = new Histogram(3_600_000_000_000L, 3);
        final Histogram cmd = new Histogram(3_600_000_000_000L, 3);
        long acked = 0;
        long other = 0;
        long dup = 0;
        for (LeanRig r : fleet.rigs()) {
            ack.add(r.ackLatency);
            cmd.add(r.commandLatency);
            acked += r.samplesAcked;
            other += r.otherCommands;
            dup += r.duplicateCommands;
        }
        final double window = (clock.windowEndNanos() - clock.windowStartNanos()) / 1e9;
        // what the pipeline sustained: ACKs that arrived during the window, for frames sent at any time
        final double wallSeconds = (after.wallNanos() - before.wallNanos()) / 1e9;
        final List<LoadResult.Cpu> cpu = new ArrayList<>();
        final double wall = after.wallNanos() - before.wallNanos();
        final Map<Long, String> names = new LinkedHashMap<>();
        pipeline.jvmPids().forEach((name, pid) -> names.put(pid, name));
        for (Long pid : after.cpuNanosByPid().keySet()) {
            final long ns = after.cpuSince(before, pid);
            cpu.add(new LoadResult.Cpu(names.getOrDefault(pid, "other child process"), pid, ns, ns / wall));
        }
        final long ours = after.ourCpuSince(before);
        final List<LoadResult.Cpu> jit = new ArrayList<>();
        for (Long pid : after.cpuNanosByPid().keySet()) {
            final double cores = threadsAfter.jitCoresSince(threadsBefore, wall, pid);
            jit.add(new LoadResult.Cpu(names.getOrDefault(pid, "other child process"), pid,
                (long) (cores * wall), cores));
        }
        final List<ThreadCpu.Group> threads = threadsAfter.since(threadsBefore, wall, names, THREAD_GROUP_MIN_CORES);
        final List<LoadResult.Gc> gc = new ArrayList<>();
        for (int i = 0; i < gcLogs.size(); i++) {
            final GcLog log = gcLogs.get(i);
            final GcLog.Pauses p = log.pausesBetween(gcFrom[i], gcTo[i]);
            gc.add(new LoadResult.Gc(log.name, log.pid, p.count, p.totalMs, p.maxMs, p.maxKind, p.maxHeapBeforeMb,
                p.maxHeapAfterMb, p.heapCapacityMb, log.error != null ? log.error : p.error));
        }
        final Throwable failure = fleet.failure();
        final int cores = Runtime.getRuntime().availableProcessors();
        return new LoadResult(o.pipeline(), pipeline.describe(), startedUtc,
            cores + " cores, " + cpuModel(),
            System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + " "
                + String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()),
            o.channels(), o.rateHz(), o.samplesPerFrame(), o.rigs(), window, o.offeredSamplesPerSecond(),
            fleet.samplesOfferedInWindow / window, ackedDuringWindow / wallSeconds, fleet.samplesOfferedInWindow, acked,
            LoadResult.Latency.of(ack), LoadResult.Latency.of(cmd), fleet.tripsInWindow, other, dup,
            LoadResult.Latency.of(fleet.senderLag), cpu,
            ackedDuringWindow == 0 ? Double.NaN : (double) ours / ackedDuringWindow,
            ackedDuringWindow == 0 ? Double.NaN : (double) (ours - senderCpuNanos) / ackedDuringWindow,
            after.otherCoresSince(before), after.stealCoresSince(before), after.cpuPressureSince(before),
            before.loadAverage(), after.loadAverage(),
            gc, o.brokerJvmArgs(), o.brokerProperties(), gateway, gatewayError, jit, threads,
            failure == null ? null : failure.toString(), o.rigTimeScale(), o.cell(), o.procedure(), jobState,
            StateTrend.of(jobState, STATE_TREND_FROM_RIG_HOURS));
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    /**
     * Until {@code windowStart}, does every {@value #REHEARSE_EVERY_SECONDS} s what the window's edges do: a scrape
     * of the gateway's {@code /metrics} (as Prometheus would), the CPU and thread snapshots. Why: done for the first
     * time at the window's start, the HTTP request to the gateway deoptimised the Netty and socket code that the
     * rigs' hot path had been compiled with (new receiver types), and the recompilation of that code and of
     * everything that had inlined it kept the JIT at ~0.2 cores through the whole window (PrintCompilation: ~1,200
     * compilations in the window's first 4 s against ~200 in the 20 s before it).
     */
    private static void rehearseMeasurementsUntil(final long windowStart, final PipelineUnderTest pipeline)
        throws InterruptedException {
        final GatewayScrape rehearsal = pipeline.metricsUri() == null ? null : new GatewayScrape(pipeline.metricsUri());
        long next = System.nanoTime();
        while (windowStart - next > TimeUnit.SECONDS.toNanos(REHEARSE_EVERY_SECONDS)) {
            sleepUntil(next);
            final MachineSnapshot s = MachineSnapshot.take();
            ThreadCpu.take(s.cpuNanosByPid().keySet()).since(ThreadCpu.take(List.of()), 1e9, Map.of(), 0);
            if (rehearsal != null) {
                rehearsal.windowStarts();
                rehearsal.windowEnds();
            }
            next += TimeUnit.SECONDS.toNanos(REHEARSE_EVERY_SECONDS);
        }
        sleepUntil(windowStart);
    }

    private static void sleepUntil(final long nanoTime) throws InterruptedException {
        long left;
        while ((left = nanoTime - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    static void deleteTree(final Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(final Path file, final BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(final Path d, final IOException exc) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
