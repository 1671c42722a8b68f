package io.cellwatch.gateway.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;

/**
 * Joins a WebSocket client to the {@link LiveFeed} once its handshake completed, and ignores what the client sends
 * (the feed is one-way; pings and closes are answered by Netty's protocol handler).
 * Stateless, but added per connection after the HTTP handlers for clarity of the pipeline.
 */
final class LiveFeedClientHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
    private final LiveFeed feed;

    LiveFeedClientHandler(final LiveFeed feed) {
        this.feed = feed;
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt) throws Exception {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            feed.join(ctx.channel());
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    protected void channelRead0(final ChannelHandlerContext ctx, final WebSocketFrame frame) {
        // one-way feed: client messages are ignored
    }
}
