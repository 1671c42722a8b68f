package io.cellwatch.gateway.http;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleStateHandler;

/** Assembles an HTTP connection's pipeline: codec, bounded aggregation, the WebSocket feed at /ws, the routes. */
public final class HttpChannelInitializer extends ChannelInitializer<SocketChannel> {
    /** Largest request body accepted (acknowledgement comments); larger requests get 413. */
    static final int MAX_REQUEST_BYTES = 64 * 1024;

    private final HttpApiHandler api;
    private final LiveFeed feed;

    public HttpChannelInitializer(final HttpApiHandler api, final LiveFeed feed) {
        this.api = api;
        this.feed = feed;
    }

    @Override
    protected void initChannel(final SocketChannel ch) {
        // A slow reader flips to unwritable after 256 KiB queued, so the feed skips it instead of buffering.
        ch.config().setOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 * 1024, 256 * 1024));
        ch.pipeline()
            .addLast("idle", new IdleStateHandler(0, 0, 300)) // slow-loris: nothing for 5 min closes (see below)
            .addLast("http", new HttpServerCodec(4096, 8192, 8192))
            .addLast("aggregate", new HttpObjectAggregator(MAX_REQUEST_BYTES))
            .addLast("ws", new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/ws").checkStartsWith(false).maxFramePayloadLength(4096).build()))
            .addLast("api", api)
            .addLast("feed", new LiveFeedClientHandler(feed))
            .addLast("close-idle", new IdleConnectionCloser());
    }
}
