package io.cellwatch.bench.load;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * A Flink metric reporter for the harness's MiniCluster (same JVM): keeps the job's checkpoint gauges (Flink's own
 * {@code lastCheckpointSize}, {@code lastCheckpointFullSize}, {@code numberOfCompletedCheckpoints}, ...) and the
 * stop-condition operator's {@code samplesEvaluated} counter, by job id, so the harness can read the job's state
 * size while it runs. Flink creates the reporter, hence the static registry.
 * Enabled with {@code metrics.reporter.<name>.factory.class} set to {@link Factory} (found through
 * {@code META-INF/services}); see {@link #FLINK_SETTINGS}.
 */
final class FlinkJobMetrics implements MetricReporter {
    /** The Flink configuration that installs this reporter. */
    static final Map<String, String> FLINK_SETTINGS =
        Map.of("metrics.reporter.cellwatch-load.factory.class", Factory.class.getName());
    static final String LAST_CHECKPOINT_SIZE = "lastCheckpointSize";
    static final String LAST_CHECKPOINT_FULL_SIZE = "lastCheckpointFullSize";
    static final String COMPLETED_CHECKPOINTS = "numberOfCompletedCheckpoints";
    static final String FAILED_CHECKPOINTS = "numberOfFailedCheckpoints";
    static final String LAST_CHECKPOINT_DURATION = "lastCheckpointDuration";
    static final String SAMPLES_EVALUATED = "samplesEvaluated";
    private static final List<String> GAUGES = List.of(LAST_CHECKPOINT_SIZE, LAST_CHECKPOINT_FULL_SIZE,
        COMPLETED_CHECKPOINTS, FAILED_CHECKPOINTS, LAST_CHECKPOINT_DURATION);

    private static final String JOB_ID = "<job_id>";
    /** job id -> the newest job-level gauge of each name (one JVM may run several jobs one after the other). */
    private static final Map<String, Map<String, Gauge<?>>> GAUGES_BY_JOB = new ConcurrentHashMap<>();
    /** job id -> one counter per task attempt (a restarted task starts a new one at 0). */
    private static final Map<String, List<Counter>> SAMPLES_EVALUATED_BY_JOB = new ConcurrentHashMap<>();

    /** The job's gauge as a number, or -1 when the job has not registered it (yet) or it is not a number. */
    static long gauge(final String jobId, final String name) {
        final Gauge<?> g = GAUGES_BY_JOB.getOrDefault(jobId, Map.of()).get(name);
        final Object v = g == null ? null : g.getValue();
        return v instanceof Number n ? n.longValue() : -1;
    }

    /** Samples the job's stop-condition operator evaluated so far, over every task attempt. */
    static long samplesEvaluated(final String jobId) {
        return SAMPLES_EVALUATED_BY_JOB.getOrDefault(jobId, List.of()).stream().mapToLong(Counter::getCount).sum();
    }

    @Override
    public void open(final MetricConfig config) {
    }

    @Override
    public void close() {
    }

    @Override
    public void notifyOfAddedMetric(final Metric metric, final String name, final MetricGroup group) {
        final String job = group.getAllVariables().get(JOB_ID);
        if (job == null) {
            return;
        }
        if (metric instanceof Gauge<?> g && GAUGES.contains(name)) {
            GAUGES_BY_JOB.computeIfAbsent(job, j -> new ConcurrentHashMap<>()).put(name, g);
        } else if (metric instanceof Counter c && SAMPLES_EVALUATED.equals(name)) {
            SAMPLES_EVALUATED_BY_JOB.computeIfAbsent(job, j -> new CopyOnWriteArrayList<>()).add(c);
        }
    }

    @Override
    public void notifyOfRemovedMetric(final Metric metric, final String name, final MetricGroup group) {
        // kept: the last values stay readable while the job shuts down, and a failed attempt's samples still count
    }

    /** Creates the reporter; listed in META-INF/services so Flink finds it by class name. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(final Properties properties) {
            return new FlinkJobMetrics();
        }
    }
}
