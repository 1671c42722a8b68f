package io.cellwatch.bench.load;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One histogram family read from a Prometheus text page (the gateway's {@code /metrics}): its bucket bounds as the
 * page states them (never assumed: the gateway's buckets may change) and the cumulative count at each. Two scrapes
 * subtracted give the window's distribution; quantiles from buckets are upper bounds, the smallest bound that holds
 * the quantile.
 *
 * @param family     the family name, e.g. {@code cellwatch_gateway_command_dispatch_seconds}
 * @param bounds     upper bounds in seconds, ascending, the last one {@code +Inf}
 * @param cumulative observations at or below each bound
 */
record PrometheusHistogram(String family, double[] bounds, long[] cumulative) {
    private static final String BUCKET = "_bucket{";

    /** Every histogram family on the page, by name, in page order. Other families and lines are skipped. */
    static Map<String, PrometheusHistogram> parse(final String page) {
        final Map<String, TreeMap<Double, Long>> byFamily = new LinkedHashMap<>();
        for (String line : page.split("\n")) {
            final int b = line.indexOf(BUCKET);
            if (line.startsWith("#") || b < 0) {
                continue;
            }
            final int close = line.indexOf('}', b);
            final String le = label(line.substring(b + BUCKET.length(), close), "le");
            if (le == null) {
                continue;
            }
            final double bound = "+Inf".equals(le) ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
            final long count = Math.round(Double.parseDouble(line.substring(close + 1).trim().split(" ")[0]));
            byFamily.computeIfAbsent(line.substring(0, b), f -> new TreeMap<>()).merge(bound, count, Long::sum);
        }
        final Map<String, PrometheusHistogram> out = new LinkedHashMap<>();
        byFamily.forEach((family, buckets) -> out.put(family, new PrometheusHistogram(family,
            buckets.keySet().stream().mapToDouble(Double::doubleValue).toArray(),
            buckets.values().stream().mapToLong(Long::longValue).toArray())));
        return out;
    }

    private static String label(final String labels, final String name) {
        for (String pair : labels.split(",")) {
            final int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).trim().equals(name)) {
                final String v = pair.substring(eq + 1).trim();
                return v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
            }
        }
        return null;
    }

    /** What was observed after {@code earlier}, a scrape of the same family with the same buckets. */
    PrometheusHistogram minus(final PrometheusHistogram earlier) {
        if (!Arrays.equals(bounds, earlier.bounds)) {
            throw new IllegalArgumentException(family + ": the bucket bounds changed between the scrapes");
        }
        final long[] d = new long[cumulative.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = cumulative[i] - earlier.cumulative[i];
        }
        return new PrometheusHistogram(family, bounds, d);
    }

    long count() {
        return cumulative.length == 0 ? 0 : cumulative[cumulative.length - 1];
    }

    /**
     * The share of observations at or below {@code seconds}, from the largest bound not above it (so a lower bound
     * of the true share when no bucket ends exactly there); NaN when nothing was observed.
     */
    double fractionAtOrBelow(final double seconds) {
        if (count() == 0) {
            return Double.NaN;
        }
        long at = 0;
        for (int i = 0; i < bounds.length && bounds[i] <= seconds; i++) {
            at = cumulative[i];
        }
        return (double) at / count();
    }

    /** The smallest bucket bound holding at least the quantile {@code q} (0..1); NaN when nothing was observed. */
    double upperBoundOfQuantile(final double q) {
        if (count() == 0) {
            return Double.NaN;
        }
        final double need = q * count();
        for (int i = 0; i < bounds.length; i++) {
            if (cumulative[i] >= need) {
                return bounds[i];
            }
        }
        return Double.POSITIVE_INFINITY;
    }

    /** The non-empty buckets as {@code <=bound ms: count} (non-cumulative), for the report. */
    String bucketsMs() {
        final List<String> parts = new ArrayList<>();
        long previous = 0;
        for (int i = 0; i < bounds.length; i++) {
            final long n = cumulative[i] - previous;
            previous = cumulative[i];
            if (n > 0) {
                final String bucket = !Double.isInfinite(bounds[i]) ? "<=" + ms(bounds[i])
                    : i == 0 ? "any" : ">" + ms(bounds[i - 1]);
                parts.add(bucket + ": " + n);
            }
        }
        return String.join(", ", parts);
    }

    private static String ms(final double seconds) {
        return String.format(Locale.ROOT, "%.3f", seconds * 1000).replaceAll("\\.?0+$", "");
    }
}
