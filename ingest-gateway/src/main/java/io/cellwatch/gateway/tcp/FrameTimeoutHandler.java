package io.cellwatch.gateway.tcp;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Placed after the frame decoder, so it sees whole frames only: a connection that completes no frame for the
 * timeout is closed, however many bytes it trickles (slow-loris). A live rig completes a frame at least every
 * heartbeat interval. Time during which the gateway itself stopped reading (back-pressure, the sample-rate limit)
 * does not count against the rig. The raw-TCP line-protocol port puts one after its line decoder: there a "frame"
 * is a line.
 *
 * <p>Stateful (IdleStateHandler's timers), so one per connection.
 */
public final class FrameTimeoutHandler extends IdleStateHandler {
    private static final Logger LOG = LoggerFactory.getLogger(FrameTimeoutHandler.class);

    private final long timeoutMillis;
    private final LongAdder closed;
    private final String unit;

    FrameTimeoutHandler(final long timeoutMillis, final LongAdder closed) {
        this(timeoutMillis, closed, "frame");
    }

    /** @param unit what the decoder before it completes ("frame", "line"), for the log */
    public FrameTimeoutHandler(final long timeoutMillis, final LongAdder closed, final String unit) {
        super(timeoutMillis, 0, 0, TimeUnit.MILLISECONDS);
        this.timeoutMillis = timeoutMillis;
        this.closed = closed;
        this.unit = unit;
    }

    @Override
    protected void channelIdle(final ChannelHandlerContext ctx, final IdleStateEvent evt) {
        if (!ctx.channel().config().isAutoRead()) {
            return;
        }
        closed.increment();
        LOG.info("closing {}: no complete {} for {} ms", ctx.channel().remoteAddress(), unit, timeoutMillis);
        ctx.close();
    }
}
