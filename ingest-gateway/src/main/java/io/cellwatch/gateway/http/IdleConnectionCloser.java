package io.cellwatch.gateway.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last in an HTTP connection's pipeline: closes a connection that neither sent nor received anything for the idle
 * handler's time, and one whose handlers failed (a reset by the peer, a bug), instead of leaving it half-used.
 */
final class IdleConnectionCloser extends ChannelDuplexHandler {
    private static final Logger LOG = LoggerFactory.getLogger(IdleConnectionCloser.class);

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
        LOG.debug("HTTP connection {} closed after an error: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }
}
