package io.cellwatch.launcher;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * A Flink metric reporter for a MiniCluster in the test's JVM: keeps every counter the job's operators register, so a
 * test can read e.g. {@code repeatsSkipped} (resent frames the job dropped) for one job. A restarted or restored job
 * registers new counters that start at 0, so the reporter keeps every task attempt's counter and sums them.
 * Enabled with {@code metrics.reporter.<name>.factory.class} set to {@link Factory} (found through
 * {@code META-INF/services}).
 */
final class JobCounters implements MetricReporter {
    private static final String JOB_ID = "<job_id>";
    /** job id -> counter name -> one counter per task attempt. */
    private static final Map<String, Map<String, List<Counter>>> COUNTERS = new ConcurrentHashMap<>();

    /** Sum of the named counter over every task attempt of the job so far; 0 if none registered. */
    static long sum(final String jobId, final String name) {
        return COUNTERS.getOrDefault(jobId, Map.of()).getOrDefault(name, List.of()).stream()
            .mapToLong(Counter::getCount).sum();
    }

    /** How many task attempts registered the named counter for the job (more than one: the job restarted). */
    static int attempts(final String jobId, final String name) {
        return COUNTERS.getOrDefault(jobId, Map.of()).getOrDefault(name, List.of()).size();
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
        if (job != null && metric instanceof Counter counter) {
            COUNTERS.computeIfAbsent(job, j -> new ConcurrentHashMap<>())
                .computeIfAbsent(name, n -> new CopyOnWriteArrayList<>()).add(counter);
        }
    }

    @Override
    public void notifyOfRemovedMetric(final Metric metric, final String name, final MetricGroup group) {
        // kept on purpose: a failed attempt's counts belong to the job's total
    }

    /** Creates the reporter; listed in META-INF/services so Flink finds it by class name. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(final Properties properties) {
            return new JobCounters();
        }
    }
}
