package io.cellwatch.gateway.linetcp;

import java.util.List;

import io.cellwatch.gateway.metrics.GatewayMetrics;
import io.cellwatch.gateway.metrics.GatewayMetrics.LineRejection;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LineBasedFrameDecoder;

/**
 * Splits the stream at {@code \n} (and {@code \r\n}), failing fast on a line longer than the limit. Bytes after the
 * last newline when the connection ends are dropped and counted as {@link LineRejection#TRUNCATED}: a line cut off by
 * a dropped connection can still parse (a voltage {@code 4.15} cut to {@code 4.1}), so only complete lines are stored.
 * Stateful (the partial line), so one per connection.
 */
final class TerminatedLineDecoder extends LineBasedFrameDecoder {
    private final GatewayMetrics metrics;

    TerminatedLineDecoder(final int maxLineLength, final GatewayMetrics metrics) {
        super(maxLineLength, true, true);
        this.metrics = metrics;
    }

    @Override
    protected void decodeLast(final ChannelHandlerContext ctx, final ByteBuf in, final List<Object> out)
        throws Exception {
        super.decodeLast(ctx, in, out);
        if (in.isReadable()) {
            metrics.lineRejected(LineRejection.TRUNCATED, 1);
            in.skipBytes(in.readableBytes());
        }
    }
}
