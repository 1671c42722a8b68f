package io.cellwatch.gateway.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The histogram's bucketing and its Prometheus text exposition. */
class LatencyHistogramTest {

    @Test
    void shouldRenderCumulativeBucketsSumAndCountInSecondsWhenValuesAreRecorded() {
        final LatencyHistogram h = new LatencyHistogram("command_ack_seconds", "sent to acknowledged");
        h.record(40);         // 40 us -> le 0.00005, the lowest bound
        h.record(500);        // 0.5 ms, exactly on a bound: le is inclusive
        h.record(1_000);      // 1 ms
        h.record(3_000);      // 3 ms -> le 0.005
        h.record(90_000_000); // 90 s -> only +Inf
        h.record(-5);         // clock skew: counted apart
        final StringBuilder b = new StringBuilder();
        h.appendPrometheus(b);
        final List<String> lines = b.toString().lines().toList();
        assertEquals("# HELP cellwatch_gateway_command_ack_seconds sent to acknowledged", lines.get(0));
        assertEquals("# TYPE cellwatch_gateway_command_ack_seconds histogram", lines.get(1));
        assertEquals("cellwatch_gateway_command_ack_seconds_bucket{le=\"0.00005\"} 1", lines.get(2));
        assertEquals("cellwatch_gateway_command_ack_seconds_bucket{le=\"0.0001\"} 1", lines.get(3));
        assertEquals("cellwatch_gateway_command_ack_seconds_bucket{le=\"0.00025\"} 1", lines.get(4));
        assertEquals("cellwatch_gateway_command_ack_seconds_bucket{le=\"0.0005\"} 2", lines.get(5));
        assertEquals("cellwatch_gateway_command_ack_seconds_bucket{le=\"0.001\"} 3", lines.get(6));
        assertEquals("cellwatch_gateway_command_ack_seconds_bucket{le=\"0.0025\"} 3", lines.get(7));
        assertEquals("cellwatch_gateway_command_ack_seconds_bucket{le=\"0.005\"} 4", lines.get(8));
        assertTrue(lines.contains("cellwatch_gateway_command_ack_seconds_bucket{le=\"1.0\"} 4"), lines.toString());
        assertTrue(lines.contains("cellwatch_gateway_command_ack_seconds_bucket{le=\"60.0\"} 4"), lines.toString());
        final int n = lines.size();
        assertEquals("cellwatch_gateway_command_ack_seconds_bucket{le=\"+Inf\"} 5", lines.get(n - 3));
        assertEquals("cellwatch_gateway_command_ack_seconds_sum 90.00454", lines.get(n - 2));
        assertEquals("cellwatch_gateway_command_ack_seconds_count 5", lines.get(n - 1));
        assertEquals(2 + LatencyHistogram.BOUNDS_MICROS.length + 1 + 2, n, "HELP, TYPE, buckets, +Inf, sum, count");
        assertEquals(5, h.count());
        assertEquals(1, h.negativeCount());
    }

    @Test
    void shouldRenderZeroesWhenNothingWasRecorded() {
        final StringBuilder b = new StringBuilder();
        new LatencyHistogram("command_dispatch_seconds", "x").appendPrometheus(b);
        assertTrue(b.toString().contains("cellwatch_gateway_command_dispatch_seconds_bucket{le=\"+Inf\"} 0\n"));
        assertTrue(b.toString().endsWith("cellwatch_gateway_command_dispatch_seconds_sum 0.0\n"
            + "cellwatch_gateway_command_dispatch_seconds_count 0\n"), b.toString());
    }

    @Test
    void shouldExposeEveryCommandLatencyHistogramAfterTheCounters() {
        final GatewayMetrics m = new GatewayMetrics();
        m.commandAckLatency.record(2_000);
        final String text = m.histogramsText();
        for (String family : List.of("command_dispatch_seconds", "command_ack_seconds",
            "command_sample_to_ack_seconds")) {
            assertTrue(text.contains("# TYPE cellwatch_gateway_" + family + " histogram\n"), family);
        }
        assertTrue(text.contains("cellwatch_gateway_command_ack_seconds_count 1\n"), text);
    }
}
