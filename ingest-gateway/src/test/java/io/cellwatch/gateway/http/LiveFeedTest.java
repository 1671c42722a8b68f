package io.cellwatch.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cellwatch.core.alert.Alert;
import io.cellwatch.gateway.board.ChannelBoard;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The WebSocket feed on its own, over real sockets: what a screen receives, and that a client which stops reading
 * is closed instead of growing the gateway's memory (while well-behaved clients carry on).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LiveFeedTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The HTTP connection's high write-buffer water mark (see HttpChannelInitializer). */
    private static final int HIGH_WATER_MARK = 256 * 1024;

    private HttpServerFixture http;
    private final AtomicBoolean changing = new AtomicBoolean();

    @AfterEach
    void stop() {
        changing.set(false);
        if (http != null) {
            http.close();
        }
    }

    /** A real WebSocket client (java.net.http) that hands every complete text message to a queue. */
    private static final class FeedClient implements WebSocket.Listener {
        final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();
        final WebSocket socket;

        FeedClient(final String base) throws Exception {
            socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create(base.replace("http:", "ws:") + "/ws"), this).get(10, TimeUnit.SECONDS);
        }

        @Override
        public CompletionStage<?> onText(final WebSocket ws, final CharSequence data, final boolean last) {
            partial.append(data);
            if (last) {
                try {
                    messages.add(JSON.readTree(partial.toString()));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }

        /** The next message that matches, skipping others; fails after {@code seconds}. */
        JsonNode await(final Predicate<JsonNode> match, final int seconds, final String what) throws InterruptedException {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < deadline) {
                final JsonNode m = messages.poll(100, TimeUnit.MILLISECONDS);
                if (m != null && match.test(m)) {
                    return m;
                }
            }
            throw new AssertionError("no " + what + " within " + seconds + " s");
        }

        void close() {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
    }

    private static JsonNode channel(final JsonNode tick, final String channelId) {
        for (JsonNode ch : tick.path("channels")) {
            if (ch.path("channelId").asText().equals(channelId)) {
                return ch;
            }
        }
        return null;
    }

    private static boolean isTick(final JsonNode m) {
        return m.path("type").asText().equals("tick");
    }

    @Test
    void shouldSendTheSnapshotThenTicksWithOnlyTheChangedChannels() throws Exception {
        http = new HttpServerFixture(Map.of(), 100);
        final long now = System.currentTimeMillis();
        http.declare("rigA/ch01", "rigA", "SN-1", "LOT-7");
        http.declare("rigA/ch02", "rigA", "SN-2", "LOT-8");
        http.sample("rigA/ch01", now, 4.1f, 1.5f, 25f);
        http.sample("rigA/ch02", now, 3.9f, -1.0f, 26f);
        http.board.alert(HttpServerFixture.overVoltage("rigA/ch02", now - 5_000, 4.26));
        final FeedClient client = new FeedClient(http.base());
        try {
            final JsonNode snapshot = client.messages.poll(10, TimeUnit.SECONDS);
            assertNotNull(snapshot, "the snapshot comes first");
            assertEquals("snapshot", snapshot.path("type").asText());
            assertEquals(2, snapshot.path("channels").size());
            assertEquals(1, snapshot.path("alerts").size());
            assertTrue(snapshot.path("serverTimeMillis").asLong() >= now);
            assertEquals("alert", channel(snapshot, "rigA/ch02").path("state").asText());
            assertEquals("running", channel(snapshot, "rigA/ch01").path("state").asText());

            // nothing changes: ticks still come (they are the screen's heartbeat), empty
            client.await(m -> isTick(m) && m.path("channels").isEmpty(), 5, "empty tick");

            http.sample("rigA/ch01", System.currentTimeMillis(), 4.2f, 1.5f, 25.5f);
            final JsonNode tick = client.await(m -> isTick(m) && !m.path("channels").isEmpty(), 5, "tick with changes");
            assertEquals(1, tick.path("channels").size(), "only the channel that changed: " + tick);
            final JsonNode ch01 = channel(tick, "rigA/ch01");
            assertEquals(4.2, ch01.path("voltage").asDouble(), 1e-6);
            final JsonNode point = ch01.path("point");
            assertEquals(6, point.size(), "the newest history bucket: [t, vMin, vMax, I, Tcell, Tamb]");
            assertEquals(4.2, point.get(2).asDouble(), 1e-6);

            final Alert alert = HttpServerFixture.overVoltage("rigA/ch01", System.currentTimeMillis(), 4.2502);
            http.board.alert(alert);
            final JsonNode pushed = client.await(m -> m.path("type").asText().equals("alert"), 5, "alert message");
            assertEquals(alert.alertId(), pushed.path("alert").path("alertId").asText());
            final JsonNode afterAlert = client.await(m -> isTick(m) && channel(m, "rigA/ch01") != null, 5,
                "tick after the alert");
            assertEquals("alert", channel(afterAlert, "rigA/ch01").path("state").asText());

            http.board.acknowledge(alert.alertId(), "alice", "checked");
            final JsonNode ack = client.await(m -> m.path("type").asText().equals("alert"), 5, "acknowledgement");
            assertEquals("alice", ack.path("alert").path("acknowledgedBy").asText(), "acknowledgements are pushed too");
        } finally {
            client.close();
        }
    }

    @Test
    void shouldSendAChangedChannelWhenAnotherChannelChangesFarMoreOften() throws Exception {
        http = new HttpServerFixture(Map.of(), 100);
        final long now = System.currentTimeMillis();
        http.declare("rigA/fast", "rigA", "SN-1", "LOT-7");
        http.declare("rigA/slow", "rigA", "SN-2", "LOT-7");
        http.sample("rigA/slow", now, 3.5f, 0f, 25f);
        final FeedClient client = new FeedClient(http.base());
        try {
            client.await(m -> m.path("type").asText().equals("snapshot"), 10, "snapshot");
            for (int i = 0; i < 2_000; i++) { // the fast channel's change count runs far ahead of the slow one's
                http.sample("rigA/fast", now + i, 4.0f, 1f, 25f);
            }
            client.await(m -> isTick(m) && channel(m, "rigA/fast") != null, 5, "tick with the fast channel");
            http.sample("rigA/slow", now + 1, 3.6f, 0f, 25f);
            final JsonNode tick = client.await(m -> isTick(m) && channel(m, "rigA/slow") != null, 5,
                "tick with the slow channel (versions are one clock for the whole board)");
            assertEquals(3.6, channel(tick, "rigA/slow").path("voltage").asDouble(), 1e-6);
        } finally {
            client.close();
        }
    }

    @Test
    void shouldSendAChannelThatFellSilentWhenNoDataArrivesAnyMore() throws Exception {
        http = new HttpServerFixture(Map.of(), 100);
        http.declare("rigA/ch01", "rigA", "SN-1", "LOT-7");
        // the last sample is just young enough to count as running; nothing else will ever change on this channel
        http.sample("rigA/ch01", System.currentTimeMillis() - ChannelBoard.SILENT_AFTER_MILLIS + 3_000, 4.1f, 0f, 25f);
        final FeedClient client = new FeedClient(http.base());
        try {
            final JsonNode snapshot = client.await(m -> m.path("type").asText().equals("snapshot"), 10, "snapshot");
            assertEquals("running", channel(snapshot, "rigA/ch01").path("state").asText());
            final JsonNode tick = client.await(m -> isTick(m) && channel(m, "rigA/ch01") != null
                && channel(m, "rigA/ch01").path("state").asText().equals("silent"), 8, "tick showing it silent");
            assertTrue(channel(tick, "rigA/ch01").path("connected").asBoolean(), "still connected, just quiet");
        } finally {
            client.close();
        }
    }

    /**
     * A client that completes the WebSocket handshake and then never reads, with a tiny receive buffer: the feed
     * skips its ticks once its queue passes the high water mark, closes it after MAX_SKIPPED_TICKS, and never
     * queues more than the water mark plus one message for it. A well-behaved client on the same gateway carries on.
     */
    @Test
    void shouldCloseAClientThatStopsReadingAfterMaxSkippedTicksWithoutGrowingItsQueue() throws Exception {
        http = new HttpServerFixture(Map.of(), 50);
        final int channels = 300;
        final long now = System.currentTimeMillis();
        for (int c = 0; c < channels; c++) {
            http.declare(String.format("rigB/ch%03d", c), "rigB", "SN-" + c, "LOT-9");
        }
        // every channel changes all the time, so every tick is large (~100 KiB)
        changing.set(true);
        final Thread rig = new Thread(() -> {
            long t = now;
            while (changing.get()) {
                t += 10;
                for (int c = 0; c < channels; c++) {
                    http.sample(String.format("rigB/ch%03d", c), t, 4.0f + (t % 100) / 1000f, 1f, 25f);
                }
                sleep(10);
            }
        }, "changing-rig");
        rig.start();

        final FeedClient good = new FeedClient(http.base());
        try (Socket stalled = stalledWebSocket()) {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (http.feed.slowClientsClosed() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(1, http.feed.slowClientsClosed(), "the stalled client was closed");
            assertTrue(http.feed.ticksSkipped() >= LiveFeed.MAX_SKIPPED_TICKS,
                "it was closed for skipped ticks: " + http.feed.ticksSkipped());
            final long largestTick = largestMessage(good);
            assertTrue(http.feed.largestBacklogBytes() <= HIGH_WATER_MARK + largestTick,
                "queued for one client at most the water mark plus one message: " + http.feed.largestBacklogBytes()
                    + " bytes, largest message " + largestTick);
            assertTrue(readsToEndOfStream(stalled), "the gateway closed the stalled client's connection");

            final long closeDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (http.feed.clientCount() != 1 && System.nanoTime() < closeDeadline) {
                Thread.sleep(20);
            }
            assertEquals(1, http.feed.clientCount(), "only the reading client is left");
            good.messages.clear();
            good.await(LiveFeedTest::isTick, 5, "tick for the client that reads");
        } finally {
            good.close();
            changing.set(false);
            rig.join(5_000);
        }
    }

    /** Alerts are never skipped; a client that stalls during an alert storm is closed at the backlog bound. */
    @Test
    void shouldCloseAStalledClientWhenAlertsWouldQueueMoreThanTheBacklogBound() throws Exception {
        http = new HttpServerFixture(Map.of(), 60_000); // no ticks: only the alerts fill its queue
        try (Socket stalled = stalledWebSocket()) {
            final long t0 = System.currentTimeMillis();
            int sent = 0;
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (http.feed.slowClientsClosed() == 0 && System.nanoTime() < deadline) {
                for (int i = 0; i < 100; i++, sent++) {
                    http.board.alert(HttpServerFixture.overVoltage("rigC/ch" + (sent % 500), t0 + sent, 4.26));
                }
                Thread.sleep(5);
            }
            assertEquals(1, http.feed.slowClientsClosed(), "closed after " + sent + " alerts");
            assertTrue(http.feed.largestBacklogBytes() <= LiveFeed.MAX_BACKLOG_BYTES + 4096,
                "bounded by MAX_BACKLOG_BYTES plus one alert: " + http.feed.largestBacklogBytes());
            assertTrue(readsToEndOfStream(stalled), "the gateway closed the connection");
        }
    }

    /** Completes the WebSocket handshake on a raw socket with a tiny receive buffer, then reads nothing more. */
    private Socket stalledWebSocket() throws IOException {
        final Socket s = new Socket();
        s.setReceiveBufferSize(2048); // before connect, so the TCP window stays small
        s.connect(http.address, 5_000);
        s.setSoTimeout(10_000);
        s.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        final InputStream in = s.getInputStream();
        final ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            final int b = in.read();
            if (b < 0) {
                throw new IOException("closed during the handshake: " + head);
            }
            head.write(b);
        }
        assertTrue(head.toString(StandardCharsets.US_ASCII).startsWith("HTTP/1.1 101"), head.toString());
        return s;
    }

    /** Drains the socket; true when the peer closed it (end of stream or reset) within the read timeout. */
    private static boolean readsToEndOfStream(final Socket s) throws IOException {
        final byte[] buf = new byte[64 * 1024];
        final InputStream in = s.getInputStream();
        try {
            while (in.read(buf) >= 0) {
                // discard what was queued before the close
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // connection reset: closed with unread data, which is what a hard close does
        }
    }

    private static long largestMessage(final FeedClient client) throws IOException {
        long largest = 0;
        for (JsonNode m : client.messages) {
            largest = Math.max(largest, JSON.writeValueAsBytes(m).length);
        }
        return largest + 16; // WebSocket frame header
    }

    private static void sleep(final long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
