package io.cellwatch.bench.load;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.HdrHistogram.Histogram;

/**
 * The figures of one run, for the console and for {@code --json}. Latencies are in milliseconds, CPU in
 * nanoseconds, rates per second. {@code jitCompilers} is the CPU of each JVM's C1/C2 compiler threads over the
 * window (a warm-up that was too short shows here first); {@code threads} the busiest thread groups.
 */
record LoadResult(String pipeline, String describe, String startedUtc, String machine, String jvm,
                  int channels, int rateHz, int samplesPerFrame, int rigs, double windowSeconds,
                  long offeredPerSecondNominal, double offeredPerSecond, double ackedPerSecond,
                  long samplesOffered, long samplesAcked,
                  Latency sampleToAck, Latency sampleToCommand, long tripsInjected, long otherCommands,
                  long duplicateCommands, Latency senderLag,
                  List<Cpu> cpu, double cpuNanosPerSample, double cpuNanosPerSampleWithoutSender,
                  double otherCores, double stealCores, double cpuPressureSome, String loadAverageBefore,
                  String loadAverageAfter,
                  List<Gc> gc, List<String> brokerJvmArgs, Map<String, String> brokerProperties,
                  List<GatewayLatency> gatewayLatency,
                  String gatewayMetricsError, List<Cpu> jitCompilers, List<ThreadCpu.Group> threads,
                  String failure, int rigTimeScale, String cell, String procedure, List<StatePoint> jobState,
                  StateTrend jobStateTrend) {

    /**
     * The job's state at one moment of the run (cellwatch pipeline): Flink's checkpoint gauges as they were then
     * (-1: not registered yet), and how far in rig time the fleet had sent and the job had evaluated.
     *
     * @param wallSeconds             since the sampler started (about when the rigs connected)
     * @param rigHoursSent            rig time of the newest frame sent
     * @param rigHoursEvaluated       the stop-condition operator's samples evaluated / channels x rig sample period
     * @param lastCheckpointBytes     Flink {@code lastCheckpointSize} (what the last checkpoint wrote)
     * @param lastCheckpointFullBytes Flink {@code lastCheckpointFullSize} (the whole state it covers)
     * @param lastCheckpointMs        Flink {@code lastCheckpointDuration}
     * @param heapAfterGcMb           this JVM's heap after the last collection of each pool
     */
    record StatePoint(double wallSeconds, double rigHoursSent, double rigHoursEvaluated, long completedCheckpoints,
                      long failedCheckpoints, long lastCheckpointBytes, long lastCheckpointFullBytes,
                      long lastCheckpointMs, long heapAfterGcMb) {
        String line(final int channels) {
            return String.format(Locale.ROOT,
                "state: %7.1f s  rig %6.2f h sent, %6.2f h evaluated  checkpoints %d (%d failed)  last %,d B, "
                    + "full %,d B, %,.0f B per channel, %d ms  heap after GC %d MB", wallSeconds, rigHoursSent,
                rigHoursEvaluated, completedCheckpoints, failedCheckpoints, lastCheckpointBytes,
                lastCheckpointFullBytes, lastCheckpointFullBytes / (double) channels, lastCheckpointMs, heapAfterGcMb);
        }
    }

    /** Percentiles of one histogram of nanoseconds, in ms. */
    record Latency(long count, double p50, double p99, double p999, double max) {
        static Latency of(final Histogram h) {
            return new Latency(h.getTotalCount(), ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(99)),
                ms(h.getValueAtPercentile(99.9)), ms(h.getMaxValue()));
        }

        private static double ms(final long nanos) {
            return nanos / 1e6;
        }

        String line() {
            return count == 0 ? "none recorded" : String.format(Locale.ROOT,
                "p50 %.3f  p99 %.3f  p99.9 %.3f  max %.3f ms  (%,d recorded)", p50, p99, p999, max, count);
        }
    }

    /** CPU of one process over the window. */
    record Cpu(String process, long pid, long cpuNanos, double cores) {
    }

    /** GC pauses of one JVM over the window, from its GC log. */
    record Gc(String process, long pid, int pauses, double totalPauseMs, double maxPauseMs, String maxPauseKind,
              long maxHeapBeforeGcMb, long maxHeapAfterGcMb, long heapCapacityMb, String error) {
    }

    /**
     * One of the gateway's own latency histograms over the window (its {@code /metrics} scraped at the window's
     * start and end). Quantiles are bucket upper bounds, so they depend on the gateway's buckets.
     *
     * @param fractionWithin1ms share of the window's observations at or below 1 ms (from the largest bucket bound
     *                          not above 1 ms)
     */
    record GatewayLatency(String family, long count, double fractionWithin1ms, double p50UpperBoundMs,
                          double p99UpperBoundMs, double p999UpperBoundMs, String bucketsMs) {
        static GatewayLatency of(final PrometheusHistogram window) {
            return new GatewayLatency(window.family(), window.count(), window.fractionAtOrBelow(0.001),
                window.upperBoundOfQuantile(0.50) * 1000, window.upperBoundOfQuantile(0.99) * 1000,
                window.upperBoundOfQuantile(0.999) * 1000, window.bucketsMs());
        }

        String line() {
            return count == 0 ? "none in the window" : String.format(Locale.ROOT,
                "%,d in the window; %.2f%% <= 1 ms; p50 <= %.3f, p99 <= %.3f, p99.9 <= %.3f ms; buckets %s",
                count, fractionWithin1ms * 100, p50UpperBoundMs, p99UpperBoundMs, p999UpperBoundMs, bucketsMs);
        }
    }

    /** Compiler threads above this share of a core mean the JIT is still busy with the code under load. */
    static final double JIT_WARM_LIMIT_CORES = 0.05;

    String text() {
        final StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%n== %s ==%n%s%n", pipeline, describe));
        b.append(String.format(Locale.ROOT, "started %s UTC; %s; %s%n", startedUtc, machine, jvm));
        b.append(String.format(Locale.ROOT,
            "fleet: %d channels x %d Hz over %d rigs, %d samples/frame; window %.1f s%n",
            channels, rateHz, rigs, samplesPerFrame, windowSeconds));
        b.append(String.format(Locale.ROOT, "cells: %s, procedure %s; rig time x%d (samples %s us apart in rig time)%n",
            cell, procedure, rigTimeScale, rigTimeScale * (1_000_000L / rateHz)));
        b.append(String.format(Locale.ROOT, "offered:  %,.0f samples/s (nominal %,d)%n", offeredPerSecond,
            offeredPerSecondNominal));
        b.append(String.format(Locale.ROOT,
            "achieved: %,.0f samples/s ACKed during the window; %,d of the %,d samples due in the window ACKed by "
                + "the end%n", ackedPerSecond, samplesAcked, samplesOffered));
        b.append("sample -> ACK:     ").append(sampleToAck.line()).append('\n');
        b.append("sample -> COMMAND: ").append(sampleToCommand.line())
            .append(String.format(Locale.ROOT, "; %,d trips injected", tripsInjected)).append('\n');
        b.append("sender behind schedule: ").append(senderLag.line()).append('\n');
        b.append(String.format(Locale.ROOT, "other commands %d, duplicate commands %d%n", otherCommands,
            duplicateCommands));
        for (Cpu c : cpu) {
            b.append(String.format(Locale.ROOT, "CPU %-50s pid %-7d %.2f cores%n", c.process, c.pid, c.cores));
        }
        b.append(String.format(Locale.ROOT,
            "CPU-ns per sample ACKed in the window, all processes: %.1f (without the load generator's sender "
                + "thread: %.1f)%n",
            cpuNanosPerSample, cpuNanosPerSampleWithoutSender));
        for (Cpu c : jitCompilers) {
            b.append(String.format(Locale.ROOT, "JIT %-50s pid %-7d %.2f cores in C1/C2 compiler threads%s%n",
                c.process, c.pid, c.cores, c.cores >= JIT_WARM_LIMIT_CORES ? " (still warming up: a longer "
                    + "--warmup-s gives steadier figures)" : ""));
        }
        if (!threads.isEmpty()) {
            b.append("busiest threads (cores in the window; run-queue wait: threads of the group ready but not running "
                + "on average, and the mean wait per time slice):");
            for (ThreadCpu.Group g : threads) {
                b.append(String.format(Locale.ROOT, "%n    %.3f  %-18s %-34s waiting %.3f, %,.0f us per slice",
                    g.cores(), LoadMatrixReport.shortName(g.process()),
                    g.threads() + (g.count() > 1 ? " (" + g.count() + " threads)" : ""), g.waitingThreads(),
                    g.meanWaitMicros()));
            }
            b.append('\n');
        }
        b.append(String.format(Locale.ROOT, "others used %.2f cores, steal %.2f cores; load average %s -> %s; "
                + "CPU pressure: some task waited for a core %.1f%% of the window%n",
            otherCores, stealCores, loadAverageBefore, loadAverageAfter, cpuPressureSome * 100));
        for (Gc g : gc) {
            if (g.error != null) {
                b.append(String.format(Locale.ROOT, "GC  %-50s %s%n", g.process, g.error));
            } else {
                b.append(String.format(Locale.ROOT,
                    "GC  %-50s %d pauses, total %.1f ms, max %.1f ms (%s); heap before GC max %d MB, after %d MB, "
                        + "capacity %d MB%n", g.process, g.pauses, g.totalPauseMs, g.maxPauseMs, g.maxPauseKind,
                    g.maxHeapBeforeGcMb, g.maxHeapAfterGcMb, g.heapCapacityMb));
            }
        }
        if (!brokerJvmArgs.isEmpty()) {
            b.append("broker JVM options added: ").append(String.join(" ", brokerJvmArgs)).append('\n');
        }
        if (!brokerProperties.isEmpty()) {
            b.append("broker properties set: ").append(brokerProperties).append('\n');
        }
        for (GatewayLatency g : gatewayLatency) {
            b.append("gateway ").append(g.family).append(": ").append(g.line()).append('\n');
        }
        if (gatewayMetricsError != null) {
            b.append("gateway /metrics: ").append(gatewayMetricsError).append('\n');
        }
        if (!jobState.isEmpty()) {
            b.append("job state (Flink checkpoint metrics), every point of the run:\n");
            for (StatePoint p : jobState) {
                b.append("    ").append(p.line(channels)).append('\n');
            }
            b.append("job state trend: ").append(jobStateTrend.line(channels)).append('\n');
        }
        if (failure != null) {
            b.append("FAILURE: ").append(failure).append('\n');
        }
        return b.toString();
    }
}
