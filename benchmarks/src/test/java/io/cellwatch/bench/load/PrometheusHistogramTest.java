package io.cellwatch.bench.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import io.cellwatch.gateway.metrics.LatencyHistogram;
import org.junit.jupiter.api.Test;

class PrometheusHistogramTest {

    /** A page as the gateway renders it once finer buckets below 1 ms exist, with a counter family around it. */
    private static String page(final long... cumulative) {
        final String[] le = {"0.00005", "0.0001", "0.00025", "0.0005", "0.001", "0.0025", "+Inf"};
        final StringBuilder b = new StringBuilder("# TYPE cellwatch_gateway_frames_total counter\n"
            + "cellwatch_gateway_frames_total 12345\n"
            + "# HELP cellwatch_gateway_command_dispatch_seconds alert read to COMMAND written\n"
            + "# TYPE cellwatch_gateway_command_dispatch_seconds histogram\n");
        for (int i = 0; i < le.length; i++) {
            b.append("cellwatch_gateway_command_dispatch_seconds_bucket{le=\"").append(le[i]).append("\"} ")
                .append(cumulative[i]).append('\n');
        }
        b.append("cellwatch_gateway_command_dispatch_seconds_sum 0.5\n");
        b.append("cellwatch_gateway_command_dispatch_seconds_count ").append(cumulative[le.length - 1]).append('\n');
        return b.toString();
    }

    @Test
    void shouldTakeBucketBoundsFromThePageAndSubtractTheEarlierScrape() {
        final PrometheusHistogram start = PrometheusHistogram.parse(page(1, 1, 2, 2, 2, 3, 3))
            .get("cellwatch_gateway_command_dispatch_seconds");
        final PrometheusHistogram end = PrometheusHistogram.parse(page(11, 61, 92, 96, 99, 102, 103))
            .get("cellwatch_gateway_command_dispatch_seconds");

        final PrometheusHistogram window = end.minus(start);

        assertArrayEquals(new double[] {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, Double.POSITIVE_INFINITY},
            window.bounds());
        assertEquals(100, window.count());
        assertEquals(0.97, window.fractionAtOrBelow(0.001), 1e-12, "97 of the window's 100 within 1 ms");
        assertEquals(0.0001, window.upperBoundOfQuantile(0.50), "the 50th of 100 falls in the 100 us bucket");
        assertEquals(0.0025, window.upperBoundOfQuantile(0.99), "the 99th of 100 falls in the 2.5 ms bucket");
        assertEquals(Double.POSITIVE_INFINITY, window.upperBoundOfQuantile(1.0), "the slowest is above every bound");
        assertEquals("<=0.05: 10, <=0.1: 50, <=0.25: 30, <=0.5: 4, <=1: 3, <=2.5: 2, >2.5: 1", window.bucketsMs());
    }

    @Test
    void shouldRefuseToSubtractScrapesWithDifferentBuckets() {
        final PrometheusHistogram finer = PrometheusHistogram.parse(page(1, 1, 2, 2, 2, 3, 3))
            .get("cellwatch_gateway_command_dispatch_seconds");
        final PrometheusHistogram coarser = new PrometheusHistogram(finer.family(),
            new double[] {0.001, Double.POSITIVE_INFINITY}, new long[] {2, 3});
        assertThrows(IllegalArgumentException.class, () -> finer.minus(coarser));
    }

    @Test
    void shouldReportNoQuantileWhenTheWindowSawNothing() {
        final PrometheusHistogram h = PrometheusHistogram.parse(page(1, 1, 2, 2, 2, 3, 3))
            .get("cellwatch_gateway_command_dispatch_seconds");
        final PrometheusHistogram window = h.minus(h);
        assertEquals(0, window.count());
        assertEquals(Double.NaN, window.upperBoundOfQuantile(0.99));
        assertEquals(Double.NaN, window.fractionAtOrBelow(0.001));
    }

    @Test
    void shouldReadTheGatewaysOwnRenderingOfItsHistogramWhateverItsBuckets() {
        final LatencyHistogram gateway = new LatencyHistogram("command_dispatch_seconds", "dispatch");
        final StringBuilder before = new StringBuilder();
        gateway.appendPrometheus(before);
        for (int i = 0; i < 990; i++) {
            gateway.record(700); // us: within 1 ms, above every finer bucket under discussion (<= 500 us)
        }
        for (int i = 0; i < 10; i++) {
            gateway.record(30_000);
        }
        final StringBuilder after = new StringBuilder();
        gateway.appendPrometheus(after);

        final List<LoadResult.GatewayLatency> window = GatewayScrape.window(before.toString(), after.toString());

        assertEquals(1, window.size(), "the dispatch family: " + window);
        final LoadResult.GatewayLatency d = window.get(0);
        assertEquals("cellwatch_gateway_command_dispatch_seconds", d.family());
        assertEquals(1000, d.count());
        assertEquals(0.99, d.fractionWithin1ms(), 1e-12);
        assertEquals(1.0, d.p99UpperBoundMs(), 1e-9, "99% within the 1 ms bucket");
    }
}
