package io.cellwatch.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.cellwatch.gateway.board.ChannelBoard;
import io.cellwatch.gateway.metrics.GatewayMetrics;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

/** /health answers 503 with the reason when the gateway reports itself down; /metrics types gauges as gauges. */
class HealthAndMetricTypesTest {
    private final GatewayMetrics metrics = new GatewayMetrics();

    private FullHttpResponse get(final Map<String, Object> health, final String path) {
        final EmbeddedChannel ch = new EmbeddedChannel(
            new HttpApiHandler(new ChannelBoard(), metrics, () -> health, Map.of()));
        try {
            ch.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path));
            return ch.readOutbound();
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    private static String body(final FullHttpResponse r) {
        try {
            return r.content().toString(StandardCharsets.UTF_8);
        } finally {
            r.release();
        }
    }

    @Test
    void shouldAnswer503WithTheReasonWhenKafkaIsUnreachable() {
        final FullHttpResponse r = get(Map.of("status", "down", "reason", "Kafka unreachable: 3 records wait"),
            "/health");
        assertEquals(503, r.status().code());
        assertTrue(body(r).contains("\"reason\":\"Kafka unreachable: 3 records wait\""));
    }

    @Test
    void shouldAnswer200WhenUp() {
        final FullHttpResponse r = get(Map.of("status", "up"), "/health");
        assertEquals(200, r.status().code());
        r.release();
    }

    @Test
    void shouldTypeGaugesAsGaugesAndCountsAsCounters() {
        metrics.gauge("commands_pending", () -> 3);
        metrics.counter("feed_ticks_skipped", () -> 7);
        metrics.rigsConnected.increment();
        final String text = body(get(Map.of("status", "up"), "/metrics"));
        assertTrue(text.contains("# TYPE cellwatch_gateway_commands_pending gauge\ncellwatch_gateway_commands_pending 3\n"),
            text);
        assertTrue(text.contains("# TYPE cellwatch_gateway_feed_ticks_skipped counter\n"), text);
        assertTrue(text.contains("# TYPE cellwatch_gateway_rigs_connected gauge\ncellwatch_gateway_rigs_connected 1\n"),
            text);
        assertTrue(text.contains("# TYPE cellwatch_gateway_connections_active gauge\n"), text);
        assertTrue(text.contains("# TYPE cellwatch_gateway_samples_in counter\n"), text);
        assertTrue(text.contains("# TYPE cellwatch_gateway_kafka_send_seconds histogram\n"), text);
    }
}
