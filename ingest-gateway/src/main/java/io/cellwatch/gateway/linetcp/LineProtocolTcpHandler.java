package io.cellwatch.gateway.linetcp;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;

import io.cellwatch.gateway.lineprotocol.LinePoint;
import io.cellwatch.gateway.lineprotocol.LineProtocolException;
import io.cellwatch.gateway.lineprotocol.LineProtocolParser;
import io.cellwatch.gateway.lineprotocol.LineProtocolWriter;
import io.cellwatch.gateway.metrics.GatewayMetrics;
import io.cellwatch.gateway.metrics.GatewayMetrics.LineRejection;
import io.cellwatch.gateway.tcp.Sanitize;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One raw-TCP line-protocol connection. There is no answer channel, so the guarantee is: every complete line read
 * that parses and maps onto a sample is handed to Kafka (acks=all, idempotent) in batches, one per socket read burst;
 * a bad line is counted by reason and skipped, and the connection stays open; a line over the length limit, or a
 * batch Kafka did not take, closes the connection (the client sees its next write fail and reconnects).
 *
 * <p>Back-pressure: at most {@value #MAX_BATCHES_IN_FLIGHT} batches of at most {@value #MAX_BATCH_POINTS} points
 * wait for Kafka per connection; beyond that the socket is not read (the client's writes back up in TCP) until half
 * of them are stored. Stateful (batch, line count, batches in flight), so one per connection; all state is touched
 * on the connection's event loop.
 */
final class LineProtocolTcpHandler extends SimpleChannelInboundHandler<ByteBuf> {
    private static final Logger LOG = LoggerFactory.getLogger(LineProtocolTcpHandler.class);
    static final int MAX_BATCH_POINTS = 1024;
    static final int MAX_BATCHES_IN_FLIGHT = 8;
    /** Bad lines logged per connection; the rest are only counted (a misconfigured client would flood the log). */
    private static final int LOGGED_BAD_LINES = 5;

    private final LineProtocolWriter writer;
    private final String precision;
    private final GatewayMetrics metrics;
    private List<LinePoint> batch = new ArrayList<>();
    private ChannelHandlerContext ctx;
    private long lineNo;
    private long badLines;
    private int inFlight;
    private boolean closing;

    LineProtocolTcpHandler(final LineProtocolWriter writer, final String precision, final GatewayMetrics metrics) {
        this.writer = writer;
        this.precision = precision;
        this.metrics = metrics;
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        metrics.lineProtocolTcpConnectionsActive.increment();
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception {
        flush(); // the client closed after its last line: what was read is still stored
        metrics.lineProtocolTcpConnectionsActive.decrement();
        if (badLines > LOGGED_BAD_LINES) {
            LOG.warn("line protocol from {}: {} bad lines in all (first {} logged)", ctx.channel().remoteAddress(),
                badLines, LOGGED_BAD_LINES);
        }
        super.channelInactive(ctx);
    }

    @Override
    protected void channelRead0(final ChannelHandlerContext ctx, final ByteBuf line) {
        if (closing) {
            return; // lines decoded from the same read after an oversize line or a failed batch are not stored
        }
        lineNo++;
        final int no = (int) Math.min(lineNo, Integer.MAX_VALUE);
        final LinePoint point;
        try {
            point = LineProtocolParser.parseLine(line.toString(StandardCharsets.UTF_8), no, precision);
        } catch (LineProtocolException e) {
            skip(LineRejection.INVALID_LINE, e);
            return;
        }
        if (point == null) {
            return; // blank or comment
        }
        try {
            writer.check(point, null);
        } catch (LineProtocolException e) {
            skip(e.timestampInFuture() ? LineRejection.TIMESTAMP_IN_FUTURE : LineRejection.UNMAPPABLE, e);
            return;
        }
        batch.add(point);
        if (batch.size() >= MAX_BATCH_POINTS) {
            flush();
        }
    }

    @Override
    public void channelReadComplete(final ChannelHandlerContext ctx) throws Exception {
        flush(); // one batch per read burst: latency of one read, and several lines per Kafka record
        super.channelReadComplete(ctx);
    }

    private void skip(final LineRejection reason, final LineProtocolException e) {
        metrics.lineRejected(reason, 1);
        if (++badLines <= LOGGED_BAD_LINES) {
            LOG.warn("line protocol from {}: skipping {} ({})", ctx.channel().remoteAddress(),
                Sanitize.text(e.getMessage()), reason.name().toLowerCase());
        }
    }

    private void flush() {
        if (batch.isEmpty()) {
            return;
        }
        final List<LinePoint> points = batch;
        batch = new ArrayList<>();
        final CompletableFuture<Integer> stored;
        try {
            stored = writer.write(points, null);
        } catch (LineProtocolException e) {
            // every point passed check(); only a programming error gets here
            metrics.lineRejected(LineRejection.UNMAPPABLE, points.size());
            LOG.error("line protocol batch refused after its lines were checked: {}", e.getMessage());
            return;
        }
        inFlight++;
        if (inFlight >= MAX_BATCHES_IN_FLIGHT && ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(false);
            metrics.backpressurePauses.increment();
        }
        final int n = points.size();
        stored.whenComplete((count, failure) -> {
            try {
                ctx.executor().execute(() -> onStored(n, failure));
            } catch (RejectedExecutionException e) {
                // shutting down: the event loop is gone, the records are with the producer (its close flushes)
            }
        });
    }

    private void onStored(final int points, final Throwable failure) {
        inFlight--;
        if (failure != null) {
            metrics.lineRejected(LineRejection.STORAGE_UNAVAILABLE, points);
            final Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
            LOG.warn("line protocol from {}: Kafka did not take {} points ({}); closing the connection",
                ctx.channel().remoteAddress(), points, cause.toString());
            closing = true;
            ctx.close();
            return;
        }
        metrics.lineProtocolTcpPointsIn.add(points);
        if (!ctx.channel().config().isAutoRead() && inFlight <= MAX_BATCHES_IN_FLIGHT / 2 && !closing) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
        if (closing) {
            return;
        }
        closing = true;
        flush(); // the complete lines before the bad one are stored
        if (cause instanceof TooLongFrameException) {
            metrics.lineRejected(LineRejection.LINE_TOO_LONG, 1);
            LOG.warn("line protocol from {}: line {} too long ({}); closing the connection",
                ctx.channel().remoteAddress(), lineNo + 1, cause.getMessage());
        } else {
            LOG.warn("line protocol connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        }
        ctx.close();
    }
}
