package io.cellwatch.bench.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The gateway's own view of the command path over the window: its {@code /metrics} page read at the window's start
 * and end, and the command latency histograms subtracted. The harness sees only the rig's side (sample to COMMAND);
 * this adds the gateway's side, e.g. alert read to COMMAND written ({@code command_dispatch_seconds}), which is
 * the "alert reaches the rig's socket p99 <= 1 ms after the gateway".
 */
final class GatewayScrape {
    /** The families compared: every histogram of the command path. */
    static final String FAMILY_PREFIX = "cellwatch_gateway_command_";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI metrics;
    private String atStart;
    private String error;

    GatewayScrape(final URI metrics) {
        this.metrics = metrics;
    }

    void windowStarts() {
        atStart = read();
    }

    /** The window's histograms, from a second read now; empty (and {@link #error()} set) when a read failed. */
    List<LoadResult.GatewayLatency> windowEnds() {
        final String atEnd = read();
        if (atStart == null || atEnd == null) {
            return List.of();
        }
        try {
            return window(atStart, atEnd);
        } catch (RuntimeException e) {
            error = "could not read the histograms: " + e;
            return List.of();
        }
    }

    /** The command-path histograms of {@code end} minus those of {@code start}. */
    static List<LoadResult.GatewayLatency> window(final String start, final String end) {
        final Map<String, PrometheusHistogram> before = PrometheusHistogram.parse(start);
        final List<LoadResult.GatewayLatency> out = new ArrayList<>();
        PrometheusHistogram.parse(end).forEach((family, h) -> {
            if (family.startsWith(FAMILY_PREFIX) && before.containsKey(family)) {
                out.add(LoadResult.GatewayLatency.of(h.minus(before.get(family))));
            }
        });
        return out;
    }

    String error() {
        return error;
    }

    private String read() {
        try {
            final HttpResponse<String> r = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(10))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                error = "GET " + metrics + " answered " + r.statusCode();
                return null;
            }
            return r.body();
        } catch (IOException e) {
            error = "GET " + metrics + " failed: " + e;
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "interrupted";
            return null;
        }
    }
}
