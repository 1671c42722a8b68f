package io.cellwatch.bench.load;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Samples the job's state over a run, every {@code --state-every-s}: the rig time the fleet has sent and the job has
 * evaluated, and Flink's checkpoint metrics ({@link FlinkJobMetrics}). Prints one progress line per sample and keeps
 * the series for the report. It only reads gauges and MXBeans, so it costs next to nothing.
 */
final class JobStateSampler implements Runnable {
    private static final double MICROS_PER_HOUR = 3_600_000_000.0;

    private final LoadOptions o;
    private final String jobId;
    private final Fleet fleet;
    private final PrintStream progress;
    private final long startNanos = System.nanoTime();
    private final List<LoadResult.StatePoint> series = new ArrayList<>();
    private volatile boolean stopped;
    private Thread thread;

    JobStateSampler(final LoadOptions o, final String jobId, final Fleet fleet, final PrintStream progress) {
        this.o = o;
        this.jobId = jobId;
        this.fleet = fleet;
        this.progress = progress;
    }

    void start() {
        thread = new Thread(this, "load-state-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops sampling, takes a last point, and returns the series. */
    List<LoadResult.StatePoint> stop() throws InterruptedException {
        stopped = true;
        thread.interrupt();
        thread.join(5_000);
        synchronized (series) {
            series.add(sample());
            return List.copyOf(series);
        }
    }

    @Override
    public void run() {
        final long every = o.stateEverySeconds() * 1_000_000_000L;
        long next = startNanos + every;
        while (!stopped) {
            final long left = next - System.nanoTime();
            if (left > 0) {
                try {
                    Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
                } catch (InterruptedException e) {
                    return;
                }
                continue;
            }
            next += every;
            final LoadResult.StatePoint p = sample();
            synchronized (series) {
                series.add(p);
            }
            progress.println(p.line(o.channels()));
        }
    }

    private LoadResult.StatePoint sample() {
        final double rigSent = fleet.lastDueMicros * (double) o.rigTimeScale() / MICROS_PER_HOUR;
        final double rigEvaluated = FlinkJobMetrics.samplesEvaluated(jobId) / (double) o.channels()
            * o.rigSamplePeriodMicros() / MICROS_PER_HOUR;
        return new LoadResult.StatePoint((System.nanoTime() - startNanos) / 1e9, rigSent, rigEvaluated,
            FlinkJobMetrics.gauge(jobId, FlinkJobMetrics.COMPLETED_CHECKPOINTS),
            FlinkJobMetrics.gauge(jobId, FlinkJobMetrics.FAILED_CHECKPOINTS),
            FlinkJobMetrics.gauge(jobId, FlinkJobMetrics.LAST_CHECKPOINT_SIZE),
            FlinkJobMetrics.gauge(jobId, FlinkJobMetrics.LAST_CHECKPOINT_FULL_SIZE),
            FlinkJobMetrics.gauge(jobId, FlinkJobMetrics.LAST_CHECKPOINT_DURATION), heapAfterLastGcMb());
    }

    /** The heap in use right after each pool's last collection, summed (what survives GC), in MB. */
    static long heapAfterLastGcMb() {
        long bytes = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            final MemoryUsage u = pool.getType() == MemoryType.HEAP ? pool.getCollectionUsage() : null;
            if (u != null) {
                bytes += u.getUsed();
            }
        }
        return bytes >> 20;
    }

    static String header() {
        return String.format(Locale.ROOT, "state: %s", "wall s, rig h sent / evaluated, checkpoints completed "
            + "(failed), last checkpoint size / full size, per channel, duration, heap after last GC");
    }
}
