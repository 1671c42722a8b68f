package io.cellwatch.gateway.metrics;

import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * A latency distribution with fixed bucket bounds, rendered as a Prometheus histogram ({@code _bucket{le=..}},
 * {@code _sum}, {@code _count}, in seconds). Fixed buckets rather than an HdrHistogram summary because buckets of
 * several gateway instances add up in Prometheus ({@code histogram_quantile(0.99, sum by (le) (rate(..)))}), while
 * quantiles computed per instance cannot be combined, and a command may be sent by any instance.
 *
 * <p>Recording is a few LongAdder increments, safe from any thread; values are microseconds.
 */
public final class LatencyHistogram {
    /**
     * Upper bounds in microseconds: 50 us .. 60 s, dense where a stop command should be (a few ms to 1 s). The
     * bounds below 1 ms are there for the gateway's own share of a stop (alert read -> COMMAND written, whose target
     * is p99 <= 1 ms): with 1 ms as the lowest bound such a p99 could not be read.
     */
    static final long[] BOUNDS_MICROS = {
        50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000,
        1_000_000, 2_500_000, 5_000_000, 10_000_000, 30_000_000, 60_000_000,
    };

    private final String name;
    private final String help;
    private final LongAdder[] buckets = new LongAdder[BOUNDS_MICROS.length + 1]; // the last one is +Inf
    private final LongAdder sumMicros = new LongAdder();
    private final LongAdder negative = new LongAdder();

    /**
     * @param name family name without the {@code cellwatch_gateway_} prefix, ending in {@code _seconds}
     * @param help one line for the {@code # HELP} comment
     */
    public LatencyHistogram(final String name, final String help) {
        this.name = name;
        this.help = help;
        for (int i = 0; i < buckets.length; i++) {
            buckets[i] = new LongAdder();
        }
    }

    /**
     * Records one latency. A negative value (possible only when two clocks are compared, e.g. a rig's sample time
     * against the gateway's clock) is not recorded but counted in {@link #negativeCount()}: folding it into the
     * lowest bucket would hide a rig clock running ahead.
     */
    public void record(final long micros) {
        if (micros < 0) {
            negative.increment();
            return;
        }
        int i = 0;
        while (i < BOUNDS_MICROS.length && micros > BOUNDS_MICROS[i]) {
            i++;
        }
        buckets[i].increment();
        sumMicros.add(micros);
    }

    public long count() {
        long n = 0;
        for (LongAdder b : buckets) {
            n += b.sum();
        }
        return n;
    }

    /** Values refused because they were negative (clock skew). */
    public long negativeCount() {
        return negative.sum();
    }

    public String name() {
        return name;
    }

    /** Appends the family in the Prometheus text exposition format (cumulative buckets, as the format requires). */
    public void appendPrometheus(final StringBuilder b) {
        final String family = "cellwatch_gateway_" + name;
        b.append("# HELP ").append(family).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(family).append(" histogram\n");
        long cumulative = 0;
        for (int i = 0; i < buckets.length; i++) {
            cumulative += buckets[i].sum();
            b.append(family).append("_bucket{le=\"")
                .append(i < BOUNDS_MICROS.length ? seconds(BOUNDS_MICROS[i]) : "+Inf").append("\"} ")
                .append(cumulative).append('\n');
        }
        // _count equals the +Inf bucket: both come from the same reads, so a scrape is self-consistent
        b.append(family).append("_sum ").append(seconds(sumMicros.sum())).append('\n');
        b.append(family).append("_count ").append(cumulative).append('\n');
    }

    private static String seconds(final long micros) {
        final String s = String.format(Locale.ROOT, "%.6f", micros / 1e6);
        int end = s.length();
        while (s.charAt(end - 1) == '0') {
            end--;
        }
        return s.charAt(end - 1) == '.' ? s.substring(0, end + 1) : s.substring(0, end);
    }
}
