package io.cellwatch.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cellwatch.core.codec.SamplesFlyweight;
import io.cellwatch.core.model.CellForm;
import io.cellwatch.core.model.ChannelDeclaration;
import io.cellwatch.core.procedure.ProcedureLibrary;
import io.cellwatch.gateway.board.ChannelBoard;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The feed with nobody watching, and a client joining then, on an EmbeddedChannel's event loop moved by hand: no
 * tick is encoded while no client is connected, and a client that joins after skipped ticks still gets every change,
 * in its snapshot or in the next tick.
 */
class LiveFeedJoinTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TICK = 500;

    private final ChannelBoard board = new ChannelBoard();
    private final EmbeddedChannel feedLoop = new EmbeddedChannel(); // its event loop runs the feed's ticks
    private final LiveFeed feed = new LiveFeed(board, TICK);
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
    private final SamplesFlyweight samples = new SamplesFlyweight();

    LiveFeedJoinTest() {
        feed.start(feedLoop.eventLoop());
    }

    @AfterEach
    void close() {
        feed.close();
        feedLoop.finishAndReleaseAll();
    }

    private void declare(final String channelId) {
        final ChannelDeclaration d = new ChannelDeclaration(1, channelId, "SN1", "LOT1",
            "pse-app9/overcharge-protection", 1, CellForm.CYLINDRICAL, 3.0, Map.of());
        board.declared(d, "rigA", ProcedureLibrary.builtIn().resolve(d));
    }

    private void sample(final String channelId, final float volts) {
        final long now = System.currentTimeMillis();
        SamplesFlyweight.encodeHeader(buffer, 0, 1, 1, 1);
        SamplesFlyweight.putSample(buffer, 0, 0, now * 1000, volts, 1f, 25f, Float.NaN, Float.NaN);
        samples.wrap(buffer, 0);
        board.samples(channelId, samples, now);
    }

    private void ticks(final int n) {
        for (int i = 0; i < n; i++) {
            feedLoop.advanceTimeBy(TICK, TimeUnit.MILLISECONDS);
            feedLoop.runScheduledPendingTasks();
        }
    }

    private static JsonNode next(final EmbeddedChannel client) throws Exception {
        final TextWebSocketFrame f = client.readOutbound();
        if (f == null) {
            return null;
        }
        try {
            return JSON.readTree(f.text());
        } finally {
            f.release();
        }
    }

    private static JsonNode channel(final JsonNode message, final String channelId) {
        for (JsonNode ch : message.path("channels")) {
            if (ch.path("channelId").asText().equals(channelId)) {
                return ch;
            }
        }
        return null;
    }

    @Test
    void shouldEncodeNoTickWhileNoClientIsConnected() throws Exception {
        declare("rigA/ch01");
        sample("rigA/ch01", 4.1f);
        ticks(5);
        assertEquals(0, feed.ticksSent(), "nobody is watching: no change scan, no JSON");

        final EmbeddedChannel client = new EmbeddedChannel();
        feed.join(client);
        assertEquals("snapshot", next(client).path("type").asText());
        ticks(1);
        assertEquals(1, feed.ticksSent());
        assertEquals("tick", next(client).path("type").asText(), "ticks resume once a client is there");
    }

    @Test
    void shouldShowAClientJoiningAfterSkippedTicksEveryChangeInItsSnapshotOrInTheNextTick() throws Exception {
        declare("rigA/ch01");
        declare("rigA/ch02");
        sample("rigA/ch01", 4.1f);
        ticks(3); // skipped: no client
        sample("rigA/ch02", 3.9f);

        final EmbeddedChannel client = new EmbeddedChannel();
        feed.join(client);
        final JsonNode snapshot = next(client);
        assertEquals("snapshot", snapshot.path("type").asText());
        assertEquals(4.1, channel(snapshot, "rigA/ch01").path("voltage").asDouble(), 1e-6);
        assertEquals(3.9, channel(snapshot, "rigA/ch02").path("voltage").asDouble(), 1e-6,
            "a change made while ticks were skipped");

        sample("rigA/ch01", 4.2f); // after the snapshot, before the next tick
        ticks(1);
        final JsonNode tick = next(client);
        assertNotNull(tick);
        assertEquals("tick", tick.path("type").asText());
        assertEquals(4.2, channel(tick, "rigA/ch01").path("voltage").asDouble(), 1e-6, "the change after the snapshot");
        assertNull(channel(tick, "rigA/ch02"), "unchanged since the snapshot: not sent again");
        assertEquals(1, tick.path("channels").size());
    }
}
