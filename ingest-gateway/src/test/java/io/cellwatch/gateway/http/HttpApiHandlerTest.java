package io.cellwatch.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cellwatch.core.alert.Alert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every HTTP route over a real socket, through the same pipeline the gateway builds (codec, bounded aggregator,
 * WebSocket upgrade, routes), with operator tokens configured.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpApiHandlerTest {
    private static final String TOKEN = "s3cret-token";
    private static final String CHANNEL = "rigA/ch01";
    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpServerFixture http;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Alert alert;

    @BeforeEach
    void start() throws Exception {
        http = new HttpServerFixture(Map.of("alice", TOKEN), LiveFeed.TICK_MILLIS);
        http.declare(CHANNEL, "rigA", "SN-1", "LOT-7");
        final long t0 = (System.currentTimeMillis() - 10_000) / 500 * 500; // on a bucket boundary
        for (int i = 0; i < 100; i++) { // 10 s at 10 Hz: 20 buckets of 500 ms
            http.sample(CHANNEL, t0 + i * 100L, 4.10f + i * 0.001f, 1.5f, 25f);
        }
        alert = HttpServerFixture.overVoltage(CHANNEL, t0 + 9_900, 4.2502);
        http.board.alert(HttpServerFixture.overVoltage(CHANNEL, t0 + 1_000, 4.26));
        http.board.alert(alert);
    }

    @AfterEach
    void stop() {
        http.close();
    }

    private HttpResponse<String> get(final String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(http.base() + path)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(final String path, final String body, final String authorization)
        throws Exception {
        final HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(http.base() + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(final HttpResponse<String> r) throws IOException {
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("application/json"), r.headers().toString());
        return JSON.readTree(r.body());
    }

    private static int status(final String rawResponse) {
        return Integer.parseInt(rawResponse.substring(9, 12));
    }

    @Test
    void shouldReportHealthWhenAsked() throws Exception {
        final HttpResponse<String> r = get("/health");
        assertEquals(200, r.statusCode());
        assertEquals("up", json(r).path("status").asText());
    }

    @Test
    void shouldServePrometheusTextWhenMetricsAreAsked() throws Exception {
        http.metrics.samplesIn.add(42);
        final HttpResponse<String> r = get("/metrics");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/plain"));
        assertTrue(r.body().contains("cellwatch_gateway_samples_in 42\n"), r.body());
    }

    @Test
    void shouldListEveryChannelWithStateAndLatestValues() throws Exception {
        final HttpResponse<String> r = get("/api/channels");
        assertEquals(200, r.statusCode());
        final JsonNode channels = json(r).path("channels");
        assertEquals(1, channels.size());
        final JsonNode ch = channels.get(0);
        assertEquals(CHANNEL, ch.path("channelId").asText());
        assertEquals("rigA", ch.path("rigId").asText());
        assertEquals("SN-1", ch.path("cellSerial").asText());
        assertEquals("LOT-7", ch.path("lot").asText());
        assertEquals("pse-app9/overcharge-protection@1", ch.path("procedure").asText());
        assertEquals("alert", ch.path("state").asText(), "an unacknowledged safety alert");
        assertEquals(4.199, ch.path("voltage").asDouble(), 1e-5);
        assertEquals(4.25, ch.path("limits").path("upperChargeVoltage").asDouble(), 0);
        assertEquals(6, ch.path("point").size());
        assertTrue(ch.path("history").isMissingNode(), "the list carries no history");
    }

    @Test
    void shouldServeOneChannelWithItsDecimatedHistoryWhenItsIdIsUrlEncoded() throws Exception {
        final HttpResponse<String> r = get("/api/channels/rigA%2Fch01");
        assertEquals(200, r.statusCode());
        final JsonNode history = json(r).path("history");
        assertEquals(20, history.size(), "100 samples at 10 Hz make 20 buckets of 500 ms");
        final JsonNode first = history.get(0);
        assertEquals(6, first.size(), "[t, vMin, vMax, I, Tcell, Tamb]");
        assertEquals(4.10, first.get(1).asDouble(), 1e-5);
        assertEquals(4.104, first.get(2).asDouble(), 1e-5);
        assertEquals(1.5, first.get(3).asDouble(), 1e-6);
        assertTrue(history.get(1).get(0).asLong() - first.get(0).asLong() == 500, "500 ms buckets, oldest first");
    }

    @Test
    void shouldDecodeAChannelIdOnceWhenItHoldsAPlus() throws Exception {
        http.declare("rig+1/ch01", "rig+1", "SN-2", "LOT-7");
        assertEquals(200, get("/api/channels/rig%2B1%2Fch01").statusCode());
        assertEquals(200, get("/api/channels/rig+1%2Fch01").statusCode(), "'+' in a path is a plus, not a space");
    }

    @Test
    void shouldAnswer404WhenTheChannelOrRouteIsUnknown() throws Exception {
        final HttpResponse<String> noChannel = get("/api/channels/rigA%2Fch99");
        assertEquals(404, noChannel.statusCode());
        assertEquals("no such channel", json(noChannel).path("error").asText());
        assertEquals(404, get("/api/nothing").statusCode());
        assertEquals(404, get("/favicon.ico").statusCode());
        assertEquals(404, get("/static/no-such-file.js").statusCode());
    }

    @Test
    void shouldListAlertsNewestFirstUpToTheLimit() throws Exception {
        final JsonNode all = json(get("/api/alerts")).path("alerts");
        assertEquals(2, all.size());
        assertEquals(alert.alertId(), all.get(0).path("alertId").asText(), "newest first");
        final JsonNode one = json(get("/api/alerts?limit=1")).path("alerts");
        assertEquals(1, one.size());
        final JsonNode a = one.get(0);
        assertEquals("SAFETY", a.path("alertClass").asText());
        assertEquals(4.2502, a.path("value").asDouble(), 0);
        assertEquals(4.25, a.path("threshold").asDouble(), 0);
        assertEquals(3.0, a.path("detectionLatencyMillis").asDouble(), 0);
        assertTrue(a.path("acknowledgedBy").isNull());
        assertEquals(2, json(get("/api/alerts?limit=abc")).path("alerts").size(), "a bad limit falls back to the default");
    }

    @Test
    void shouldAnswer405WhenTheMethodDoesNotFitTheRoute() throws Exception {
        assertEquals(405, post("/api/channels", "{}", null).statusCode());
        assertEquals(405, post("/health", "{}", null).statusCode());
        assertEquals(405, post("/", "{}", null).statusCode());
        assertEquals(405, post("/static/app.js", "{}", null).statusCode());
        assertEquals(405, get("/api/alerts/" + alert.alertId() + "/ack").statusCode());
        final HttpResponse<String> delete = client.send(HttpRequest.newBuilder(URI.create(http.base() + "/api/alerts"))
            .DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, delete.statusCode());
    }

    @Test
    void shouldAcknowledgeAnAlertWithTheOperatorsNameAndComment() throws Exception {
        final HttpResponse<String> r = post("/api/alerts/" + alert.alertId() + "/ack",
            "{\"comment\": \"charger checked, cell quarantined\"}", "Bearer " + TOKEN);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("alice", json(r).path("acknowledgedBy").asText());
        final JsonNode a = json(get("/api/alerts?limit=1")).path("alerts").get(0);
        assertEquals("alice", a.path("acknowledgedBy").asText());
        assertEquals("charger checked, cell quarantined", a.path("ackComment").asText());
        assertTrue(a.path("acknowledgedAtMicros").asLong() > 0);
        // one of the channel's two safety alerts is still open: the tile stays in alert
        assertEquals("alert", json(get("/api/channels")).path("channels").get(0).path("state").asText());
        final JsonNode older = json(get("/api/alerts")).path("alerts").get(1);
        assertEquals(200, post("/api/alerts/" + older.path("alertId").asText() + "/ack", "{}", "Bearer " + TOKEN).statusCode());
        assertEquals("stopped", json(get("/api/channels")).path("channels").get(0).path("state").asText(),
            "every safety alert acknowledged: the channel shows as stopped");
    }

    @Test
    void shouldAnswer401WhenTheTokenIsMissingOrWrong() throws Exception {
        final String path = "/api/alerts/" + alert.alertId() + "/ack";
        final HttpResponse<String> missing = post(path, "{\"comment\": \"x\"}", null);
        assertEquals(401, missing.statusCode());
        assertTrue(missing.headers().firstValue("www-authenticate").orElse("").startsWith("Bearer"));
        assertEquals(401, post(path, "{\"comment\": \"x\"}", "Bearer wrong").statusCode());
        assertEquals(401, post(path, "{\"comment\": \"x\"}", "Basic " + TOKEN).statusCode());
        assertEquals(401, post(path, "{\"comment\": \"x\"}", "Bearer ").statusCode());
        assertTrue(json(get("/api/alerts?limit=1")).path("alerts").get(0).path("acknowledgedBy").isNull(),
            "nothing was acknowledged");
    }

    @Test
    void shouldAnswer404WhenTheAlertIsUnknown() throws Exception {
        assertEquals(404, post("/api/alerts/no-such-alert/ack", "{}", "Bearer " + TOKEN).statusCode());
    }

    @Test
    void shouldAnswer400WhenTheBodyIsNotJson() throws Exception {
        final HttpResponse<String> r = post("/api/alerts/" + alert.alertId() + "/ack", "{\"comment\": ", "Bearer " + TOKEN);
        assertEquals(400, r.statusCode());
        assertTrue(json(r).path("error").asText().contains("JSON"));
    }

    @Test
    void shouldAnswer400WhenTheCommentIsTooLong() throws Exception {
        final String comment = "x".repeat(2001);
        assertEquals(400, post("/api/alerts/" + alert.alertId() + "/ack", "{\"comment\": \"" + comment + "\"}",
            "Bearer " + TOKEN).statusCode());
    }

    @Test
    void shouldAnswer413WhenTheBodyIsLargerThanTheLimit() throws Exception {
        // The announced length alone is refused: the gateway answers before the body (which it never buffers).
        final int length = HttpChannelInitializer.MAX_REQUEST_BYTES + 1;
        final String response = http.raw("POST /api/alerts/" + alert.alertId() + "/ack HTTP/1.1\r\nHost: x\r\n"
            + "Authorization: Bearer " + TOKEN + "\r\nContent-Type: application/json\r\nContent-Length: " + length
            + "\r\nConnection: close\r\n\r\n", new byte[16]);
        assertEquals(413, status(response), response);
    }

    @Test
    void shouldAnswer400WhenTheUrlHasABadEscape() throws Exception {
        assertEquals(400, status(http.rawGet("/api/channels/rigA%zz")));
    }

    @Test
    void shouldServeTheDashboardAndItsFiles() throws Exception {
        final HttpResponse<String> page = get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("content-type").orElse("").startsWith("text/html"));
        assertTrue(page.body().contains("/static/app.js"), "the page loads its module");
        for (String file : new String[] {"app.js", "feed.js", "tiles.js", "alerts.js", "channel-view.js", "chart.js",
            "format.js"}) {
            final HttpResponse<String> js = get("/static/" + file);
            assertEquals(200, js.statusCode(), file);
            assertTrue(js.headers().firstValue("content-type").orElse("").startsWith("text/javascript"), file);
        }
        final HttpResponse<String> css = get("/static/style.css");
        assertEquals(200, css.statusCode());
        assertTrue(css.headers().firstValue("content-type").orElse("").startsWith("text/css"));
    }

    @Test
    void shouldRefusePathTraversalAndFolderNames() throws Exception {
        for (String target : new String[] {
            "/static/../../../../etc/passwd",
            "/static/%2e%2e/%2e%2e/gateway/http/HttpApiHandler.class",
            "/static/..%2f..%2fhttp%2fHttpApiHandler.class",
            "/static/%2E%2E/%2E%2E/%2E%2E/%2E%2E/%2E%2E/log4j2-test.properties",
            "/static//etc/passwd",
            "/static/uplot/../../../../../io/cellwatch/gateway/http/HttpApiHandler.class",
            "/static/..\\..\\http\\HttpApiHandler.class",
            "/static/",
            "/static/uplot/",
        }) {
            final String response = http.rawGet(target);
            assertEquals(404, status(response), target + " -> " + response);
            assertFalse(response.contains("root:"), target);
            assertFalse(response.contains("index.html"), target + " must not list a folder");
        }
    }

    @Test
    void shouldKeepTheConnectionUsableAfterAnError() throws Exception {
        // java.net.http reuses the connection: an error answer must not leave it half-used
        assertEquals(404, get("/nope").statusCode());
        assertEquals(200, get("/health").statusCode());
    }
}
