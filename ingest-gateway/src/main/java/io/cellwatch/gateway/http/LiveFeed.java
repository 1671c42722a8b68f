package io.cellwatch.gateway.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cellwatch.gateway.board.AlertView;
import io.cellwatch.gateway.board.ChannelBoard;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's live feed over WebSocket. Every {@value #TICK_MILLIS} ms one message carries the channels that
 * changed (latest values and the newest decimated history point); it is sent even when nothing changed, so it is
 * also the heartbeat that lets a screen see that its feed is alive. Alerts (new ones, and changes such as a command
 * sent or an operator's acknowledgement) are pushed at once. One message is encoded once and shared by every client.
 *
 * <p>A client that reads too slowly is not allowed to grow the gateway's memory: while its socket is not writable
 * (more than the connection's high write-buffer water mark queued) its ticks are skipped (when it is writable again
 * it gets a full snapshot instead of the tick), and after {@value #MAX_SKIPPED_TICKS} skipped ticks in a row it is
 * closed with 1008 (policy violation). Alerts are never skipped, so a client whose queue still passes
 * {@value #MAX_BACKLOG_BYTES} bytes (an alert storm to a reader that stalled) is closed at once. Either way a client
 * holds at most about one message more than those bounds.
 *
 * <p>All sending runs on one event loop (the one given to {@link #start}), so the per-client counters need no locks.
 *
 * <p>With no client connected a tick does nothing (no change scan, no JSON), and an alert is not encoded. A client
 * joins on the feed's loop too: the snapshot and its entry into the client set happen between two ticks, so every
 * change after the snapshot is in the next tick. When it is the first client, the changes are counted from the
 * board's version read just before its snapshot (the ticks skipped meanwhile did not move it).
 */
public final class LiveFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LiveFeed.class);
    static final long TICK_MILLIS = 500;
    static final int MAX_SKIPPED_TICKS = 20;
    /** Queued bytes above which a client is closed without waiting for skipped ticks. */
    static final int MAX_BACKLOG_BYTES = 1024 * 1024;
    private static final AttributeKey<int[]> SKIPPED = AttributeKey.valueOf("cellwatch.feed.skipped");

    private final ChannelBoard board;
    private final long tickMillis;
    private final ObjectMapper json = new ObjectMapper();
    private final ChannelGroup clients = new DefaultChannelGroup("live-feed", GlobalEventExecutor.INSTANCE);
    private final LongAdder ticksSkipped = new LongAdder();
    private final LongAdder slowClientsClosed = new LongAdder();
    private final LongAdder ticksSent = new LongAdder();
    private final AtomicLong largestBacklogBytes = new AtomicLong();
    private volatile EventExecutor loop;
    private volatile boolean closed;
    private ScheduledFuture<?> ticker;
    private long sentVersion;

    public LiveFeed(final ChannelBoard board) {
        this(board, TICK_MILLIS);
    }

    /** With another tick period (tests: a slow client is found out in less time). */
    LiveFeed(final ChannelBoard board, final long tickMillis) {
        this.board = board;
        this.tickMillis = tickMillis;
        board.onAlert(this::pushAlert);
    }

    /** Starts the ticks on one event loop of {@code loops}. */
    public void start(final EventLoopGroup loops) {
        loop = loops.next();
        ticker = loop.scheduleAtFixedRate(this::tick, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
    }

    /** A WebSocket handshake completed: send the full snapshot and add the client, on the feed's loop. */
    void join(final Channel ch) {
        if (!onFeedLoop(() -> joinNow(ch))) {
            ch.close(); // the HTTP side is shutting down
        }
    }

    /**
     * Runs {@code task} on the feed's loop: now if this is that loop (or the feed is not started), else queued.
     *
     * @return false if the loop refused it (shutting down)
     */
    private boolean onFeedLoop(final Runnable task) {
        final EventExecutor l = loop;
        if (l == null || l.inEventLoop()) {
            task.run();
            return true;
        }
        try {
            l.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    private void joinNow(final Channel ch) {
        ch.attr(SKIPPED).set(new int[1]);
        if (clients.isEmpty()) {
            // ticks were skipped and did not move sentVersion: count changes from here; the snapshot below shows
            // every change up to this version, and each later change gets a higher version, so the next tick has it
            sentVersion = board.version();
        }
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
        if (clients.isEmpty()) {
            return; // nobody to tell; joinNow() picks up the changes made meanwhile
        }
        try {
            final long now = System.currentTimeMillis();
            board.noticeSilence(now);
            final long version = board.version();
            final List<Map<String, Object>> changed = board.channelSnapshots(sentVersion);
            sentVersion = version;
            final Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", "tick");
            m.put("serverTimeMillis", now);
            m.put("channels", changed);
            broadcast(encode(m), true);
            ticksSent.increment();
        } catch (RuntimeException e) {
            // a failed tick must not cancel the schedule (scheduleAtFixedRate stops after an exception)
            LOG.warn("live feed tick failed: {}", e.toString());
        }
    }

    private void pushAlert(final AlertView av) {
        if (closed) {
            return;
        }
        // the view's state now (it changes as the command is sent and acknowledged); encoded on the feed's loop,
        // and only for clients, so the alert consumer, on its way to send the stop command, does not wait for JSON
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "alert");
        m.put("alert", ChannelBoard.toMap(av));
        // refused only when the HTTP side is shutting down: no screen is left to tell (the consumer must not fail)
        onFeedLoop(() -> broadcastAlert(m));
    }

    private void broadcastAlert(final Map<String, Object> m) {
        if (!clients.isEmpty()) {
            broadcast(encode(m), false);
        }
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
                        closeSlow(ch, "reading too slowly: " + skipped[0] + " ticks skipped");
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
                } else {
                    ch.writeAndFlush(new TextWebSocketFrame(shared.retainedDuplicate()));
                }
                final long backlog = backlogBytes(ch);
                largestBacklogBytes.accumulateAndGet(backlog, Math::max);
                if (backlog > MAX_BACKLOG_BYTES) {
                    closeSlow(ch, "reading too slowly: " + backlog + " bytes queued");
                }
            }
        } finally {
            shared.release();
        }
    }

    /** Bytes queued for the client and not yet taken by its socket. */
    private static long backlogBytes(final Channel ch) {
        final ChannelOutboundBuffer out = ch.unsafe().outboundBuffer();
        return out == null ? 0 : out.totalPendingWriteBytes();
    }

    private void closeSlow(final Channel ch, final String why) {
        clients.remove(ch);
        slowClientsClosed.increment();
        LOG.info("live feed client {} closed: {}", ch.remoteAddress(), why);
        // The close frame queues behind everything the client has not read, so close the socket right away.
        ch.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.POLICY_VIOLATION, "reading too slowly"));
        ch.close();
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

    /** Ticks encoded and sent (none while no client is connected). */
    public long ticksSent() {
        return ticksSent.sum();
    }

    public long ticksSkipped() {
        return ticksSkipped.sum();
    }

    public long slowClientsClosed() {
        return slowClientsClosed.sum();
    }

    /** The most bytes ever queued for one client right after a message was handed to it (bounded, see above). */
    public long largestBacklogBytes() {
        return largestBacklogBytes.get();
    }

    @Override
    public void close() {
        closed = true;
        if (ticker != null) {
            ticker.cancel(false);
        }
        clients.close();
    }
}
