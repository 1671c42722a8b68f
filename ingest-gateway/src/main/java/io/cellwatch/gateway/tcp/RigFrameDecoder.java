package io.cellwatch.gateway.tcp;

import java.util.List;

import io.cellwatch.core.codec.ErrorCode;
import io.cellwatch.core.codec.FrameValidator;
import io.cellwatch.gateway.metrics.GatewayMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts the byte stream into whole, validated rig protocol frames (retained slices, no copy). A frame that fails
 * validation is answered with an ERROR frame carrying its code, counted, and the connection is closed: after a
 * framing error nothing that follows on the stream can be trusted. A frame longer than the limit is refused as soon
 * as its header arrives, so a peer cannot make the gateway buffer it.
 *
 * <p>Stateful (cumulation buffer), so one instance per connection.
 */
public final class RigFrameDecoder extends ByteToMessageDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(RigFrameDecoder.class);

    private final int maxFrameLength;
    private final GatewayMetrics metrics;
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private boolean failed;
    /**
     * Frames cut since the last {@link #flushFrameCount()}, added to {@link GatewayMetrics#framesIn} once per socket
     * read (and when the connection ends) instead of one shared-counter update per frame, so a scrape of /metrics
     * lags by at most the frames of one read.
     */
    private long uncountedFrames;

    public RigFrameDecoder(final int maxFrameLength, final GatewayMetrics metrics) {
        this.maxFrameLength = maxFrameLength;
        this.metrics = metrics;
    }

    @Override
    protected void decode(final ChannelHandlerContext ctx, final ByteBuf in, final List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        while (in.isReadable()) {
            final int start = in.readerIndex();
            final int readable = in.readableBytes();
            ByteBufViews.wrap(view, in, start, readable);
            final int length = FrameValidator.checkHeader(view, 0, readable, maxFrameLength);
            if (length == FrameValidator.NEED_MORE) {
                return;
            }
            if (length < 0) {
                reject(ctx, in, ErrorCode.ofCode(-length));
                return;
            }
            if (readable < length) {
                return;
            }
            final ErrorCode body = FrameValidator.checkBody(view, 0, length);
            if (body != ErrorCode.OK) {
                reject(ctx, in, body);
                return;
            }
            uncountedFrames++;
            out.add(in.readRetainedSlice(length));
        }
    }

    @Override
    public void channelReadComplete(final ChannelHandlerContext ctx) throws Exception {
        flushFrameCount(); // before the session sees the read complete
        super.channelReadComplete(ctx);
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception {
        super.channelInactive(ctx); // may still cut frames from what was left
        flushFrameCount();
    }

    @Override
    protected void handlerRemoved0(final ChannelHandlerContext ctx) throws Exception {
        flushFrameCount();
        super.handlerRemoved0(ctx);
    }

    private void flushFrameCount() {
        if (uncountedFrames != 0) {
            metrics.framesIn.add(uncountedFrames);
            uncountedFrames = 0;
        }
    }

    private void reject(final ChannelHandlerContext ctx, final ByteBuf in, final ErrorCode code) {
        failed = true;
        metrics.rejected(code);
        LOG.warn("rejecting frame from {}: {} (first bytes {})", ctx.channel().remoteAddress(), code,
            Previews.hex(in, 16));
        in.skipBytes(in.readableBytes());
        ctx.writeAndFlush(new OutboundFrames(ctx.alloc()).error(code, code.description()))
            .addListener(ChannelFutureListener.CLOSE);
    }
}
