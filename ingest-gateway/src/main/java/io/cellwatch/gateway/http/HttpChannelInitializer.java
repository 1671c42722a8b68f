package io.cellwatch.gateway.http;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContentDecompressor;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleStateHandler;

/** Assembles an HTTP connection's pipeline: codec, bounded aggregation, the WebSocket feed at /ws, the routes. */
public final class HttpChannelInitializer extends ChannelInitializer<SocketChannel> {
    /** Largest request body accepted, after decompression (line-protocol batches); larger requests get 413. */
    static final int MAX_REQUEST_BYTES = 8 * 1024 * 1024;

    private final HttpApiHandler api;
    private final LiveFeed feed;
    private final LineProtocolHttpHandler lineProtocol;

    public HttpChannelInitializer(final HttpApiHandler api, final LiveFeed feed) {
        this(api, feed, null);
    }

    /** @param lineProtocol the line-protocol write endpoints, or null for none */
    public HttpChannelInitializer(final HttpApiHandler api, final LiveFeed feed,
                                  final LineProtocolHttpHandler lineProtocol) {
        this.api = api;
        this.feed = feed;
        this.lineProtocol = lineProtocol;
    }

    @Override
    protected void initChannel(final SocketChannel ch) {
        // A slow reader flips to unwritable after 256 KiB queued, so the feed skips it instead of buffering.
        ch.config().setOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 * 1024, 256 * 1024));
        ch.pipeline()
            .addLast("idle", new IdleStateHandler(0, 0, 300)) // slow-loris: nothing for 5 min closes (see below)
            .addLast("http", new HttpServerCodec(4096, 8192, 8192))
            .addLast("gunzip", new HttpContentDecompressor(0)) // line-protocol clients send gzip
            .addLast("aggregate", new HttpObjectAggregator(MAX_REQUEST_BYTES))
            .addLast("ws", new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/ws").checkStartsWith(false).maxFramePayloadLength(4096).build()))
            .addLast("line-protocol", lineProtocol != null ? lineProtocol : new ChannelInboundHandlerAdapter())
            .addLast("api", api)
            .addLast("feed", new LiveFeedClientHandler(feed))
            .addLast("close-idle", new IdleConnectionCloser());
    }
}
