package io.cellwatch.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.cellwatch.gateway.metrics.GatewayMetrics;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Garbage, oversized heads and slow or idle clients on the HTTP port: each gets its documented 4xx, is counted by
 * reason and closed, and a well-behaved client on another connection is unaffected.
 */
class HttpRequestGuardTest {
    private HttpServerFixture server;

    @BeforeEach
    void start() throws InterruptedException {
        server = new HttpServerFixture(Map.of(), 1000);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private long rejected(final String reason) {
        return server.metrics.snapshot().getOrDefault("http_rejected{reason=" + reason + "}", 0L);
    }

    /** Sends bytes on a fresh connection; returns everything the server sent until it closed. */
    private String send(final byte[] bytes) throws IOException {
        return server.raw("", bytes);
    }

    @Test
    void shouldAnswerRandomBytesWith4xxAndCloseWhileAnotherClientIsServed() throws Exception {
        final Random random = new Random(0xBAD_F00DL);
        final Set<String> documented = Set.of("HTTP/1.1 400 ", "HTTP/1.1 414 ", "HTTP/1.1 431 ");
        final int rounds = 40;
        for (int r = 0; r < rounds; r++) {
            final byte[] junk = new byte[1 + random.nextInt(6000)];
            random.nextBytes(junk);
            junk[0] = (byte) (0x21 + random.nextInt(0x5e)); // printable, so the codec does not skip it as whitespace
            final byte[] withEnd = java.util.Arrays.copyOf(junk, junk.length + 4);
            System.arraycopy("\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), 0, withEnd, junk.length, 4);
            final String reply = send(withEnd);
            assertTrue(documented.stream().anyMatch(reply::startsWith), "round " + r + ": " + reply);
            assertTrue(reply.contains("connection: close") || reply.contains("Connection: close"), reply);
            assertTrue(server.rawGet("/health").startsWith("HTTP/1.1 200"), "another client is served (round " + r + ")");
        }
        assertEquals(rounds, rejected("bad_request") + rejected("uri_too_long") + rejected("headers_too_large"),
            "every refusal counted by reason");
        assertTrue(rejected("bad_request") > 0);
    }

    @Test
    void shouldAnswer431ToHeadersOver8KibAnd414ToARequestLineOver4Kib() throws Exception {
        final String big = "x".repeat(9000);
        assertTrue(send(("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + big + "\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 431 "));
        assertTrue(send(("GET /" + big + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1))
            .startsWith("HTTP/1.1 414 "));
        assertEquals(1, rejected("headers_too_large"));
        assertEquals(1, rejected("uri_too_long"));
    }

    @Test
    void shouldAnswer413AndCountABodyOverTheLimit() throws Exception {
        final String reply = server.raw("POST /api/alerts/x/ack HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: "
            + (HttpChannelInitializer.MAX_REQUEST_BYTES + 1) + "\r\n\r\n", new byte[16]);
        assertTrue(reply.startsWith("HTTP/1.1 413 "), reply);
        assertEquals(1, rejected("body_too_large"));
    }

    @Test
    void shouldAnswer413ToAGzipBombWhoseBodyIsSmallButExpandsPastTheLimit() throws Exception {
        final java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(zipped)) {
            final byte[] block = new byte[64 * 1024];
            java.util.Arrays.fill(block, (byte) 'a');
            for (int written = 0; written <= HttpChannelInitializer.MAX_REQUEST_BYTES; written += block.length) {
                gz.write(block);
            }
        }
        final byte[] body = zipped.toByteArray();
        assertTrue(body.length < 100_000, "the bomb is small on the wire: " + body.length + " bytes");
        final String reply = server.raw("POST /api/v2/write HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
            + "Content-Encoding: gzip\r\nContent-Length: " + body.length + "\r\n\r\n", body);
        assertTrue(reply.startsWith("HTTP/1.1 413 "), reply);
        assertEquals(1, rejected("body_too_large"));
        assertTrue(server.rawGet("/health").startsWith("HTTP/1.1 200"), "the gateway still serves others");
    }

    @Test
    void shouldAnswer408AndCloseAConnectionThatCompletesNoRequestInTime() {
        final GatewayMetrics metrics = new GatewayMetrics();
        final EmbeddedChannel ch = new EmbeddedChannel(new HttpRequestGuard(30_000, metrics));
        ch.freezeTime();
        ch.advanceTimeBy(29, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertTrue(ch.isOpen());
        ch.advanceTimeBy(2, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        final FullHttpResponse res = ch.readOutbound();
        assertEquals(HttpResponseStatus.REQUEST_TIMEOUT, res.status());
        res.release();
        assertFalse(ch.isOpen());
        assertEquals(1L, metrics.snapshot().get("http_rejected{reason=request_timeout}"));
    }

    @Test
    void shouldNotTimeOutAClientWhileTheGatewayStillOwesItTheAnswer() {
        final GatewayMetrics metrics = new GatewayMetrics();
        final EmbeddedChannel ch = new EmbeddedChannel(new HttpRequestGuard(30_000, metrics));
        ch.freezeTime();
        ch.writeInbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/write"));
        ch.<DefaultFullHttpRequest>readInbound().release(); // a line-protocol write waiting for Kafka
        ch.advanceTimeBy(60, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertTrue(ch.isOpen(), "the client waits for us, not we for it");
        ch.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT));
        ch.<FullHttpResponse>readOutbound().release();
        ch.advanceTimeBy(31, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertFalse(ch.isOpen(), "idle after the answer: closed");
        ch.finishAndReleaseAll();
    }
}
