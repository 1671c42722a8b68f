package io.cellwatch.gateway.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cellwatch.gateway.board.AlertView;
import io.cellwatch.gateway.board.ChannelBoard;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.GlobalEventExecutor;

/**
 * The dashboard's live feed over WebSocket. Every {@value #TICK_MILLIS} ms one message carries the channels that
 * changed (latest values and the newest decimated history point), alerts are pushed at once, and a heartbeat lets a
 * screen show that its feed is alive. One message is encoded once and shared by every client.
 *
 * <p>A client that reads too slowly is not allowed to grow the gateway's memory: while its socket is not writable
 * its ticks are skipped (when it is writable again it gets a full snapshot instead of the tick), and after
 * {@value #MAX_SKIPPED_TICKS} skipped ticks in a row it is closed with 1008 (policy violation).
 */
public final class LiveFeed implements AutoCloseable {
    static final long TICK_MILLIS = 500;
    static final int MAX_SKIPPED_TICKS = 20;
    private static final AttributeKey<int[]> SKIPPED = AttributeKey.valueOf("cellwatch.feed.skipped");

    private final ChannelBoard board;
    private final ObjectMapper json = new ObjectMapper();
    private final ChannelGroup clients = new DefaultChannelGroup("live-feed", GlobalEventExecutor.INSTANCE);
    private final LongAdder ticksSkipped = new LongAdder();
    private final LongAdder slowClientsClosed = new LongAdder();
    private ScheduledFuture<?> ticker;
    private long sentVersion;

    public LiveFeed(final ChannelBoard board) {
        this.board = board;
        board.onAlert(this::pushAlert);
    }

    /** Starts the ticks on one event loop of {@code loops}. */
    public void start(final EventLoopGroup loops) {
        ticker = loops.next().scheduleAtFixedRate(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** A WebSocket handshake completed: send the full snapshot and add the client. */
    void join(final Channel ch) {
        ch.attr(SKIPPED).set(new int[1]);
        ch.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(encode(snapshot()))));
        clients.add(ch);
    }

    Map<String, Object> snapshot() {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "snapshot");
        m.put("serverTimeMillis", System.currentTimeMillis());
        m.put("channels", board.channelSnapshots(-1));
        m.put("alerts", board.alerts(200));
        return m;
    }

    private void tick() {
        final long version = board.version();
        final List<Map<String, Object>> changed = board.channelSnapshots(sentVersion);
        sentVersion = version;
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "tick");
        m.put("serverTimeMillis", System.currentTimeMillis());
        m.put("channels", changed);
        broadcast(encode(m), true);
    }

    private void pushAlert(final AlertView av) {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "alert");
        m.put("alert", ChannelBoard.toMap(av));
        broadcast(encode(m), false);
    }

    private void broadcast(final byte[] message, final boolean skippable) {
        final ByteBuf shared = Unpooled.wrappedBuffer(message);
        byte[] catchUp = null;
        try {
            for (Channel ch : clients) {
                final int[] skipped = ch.attr(SKIPPED).get();
                if (!ch.isWritable() && skippable) {
                    ticksSkipped.increment();
                    if (++skipped[0] >= MAX_SKIPPED_TICKS) {
                        slowClientsClosed.increment();
                        ch.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.POLICY_VIOLATION,
                            "reading too slowly")).addListener(f -> ch.close());
                        ch.close();
                    }
                    continue;
                }
                if (skippable && skipped[0] > 0) {
                    // it missed ticks (each holds only what changed): it gets the whole picture again
                    skipped[0] = 0;
                    if (catchUp == null) {
                        catchUp = encode(snapshot());
                    }
                    ch.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(catchUp)));
                    continue;
                }
                ch.writeAndFlush(new TextWebSocketFrame(shared.retainedDuplicate()));
            }
        } finally {
            shared.release();
        }
    }

    private byte[] encode(final Object message) {
        try {
            return json.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode feed message", e);
        }
    }

    public int clientCount() {
        return clients.size();
    }

    public long ticksSkipped() {
        return ticksSkipped.sum();
    }

    public long slowClientsClosed() {
        return slowClientsClosed.sum();
    }

    @Override
    public void close() {
        if (ticker != null) {
            ticker.cancel(false);
        }
        clients.close();
    }
}
