package io.cellwatch.gateway.http;

import java.util.concurrent.atomic.LongAdder;

import io.cellwatch.gateway.tcp.ConnectionLimits;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContentDecompressor;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.cellwatch.gateway.metrics.GatewayMetrics;
import io.cellwatch.gateway.tls.TlsFailureHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;

/** Assembles an HTTP connection's pipeline: TLS when configured, codec, bounded aggregation, the WebSocket feed at /ws, the routes. */
public final class HttpChannelInitializer extends ChannelInitializer<SocketChannel> {
    /** Largest request body accepted, after decompression (line-protocol batches); larger requests get 413. */
    static final int MAX_REQUEST_BYTES = 8 * 1024 * 1024;

    private final HttpApiHandler api;
    private final LiveFeed feed;
    private final LineProtocolHttpHandler lineProtocol;
    private final SslContext tls;
    private final TlsFailureHandler tlsFailures;
    private final GatewayMetrics metrics;
    private final int requestTimeoutMillis;
    private final LongAdder bodyTooLarge;

    public HttpChannelInitializer(final HttpApiHandler api, final LiveFeed feed) {
        this(api, feed, null);
    }

    /** @param lineProtocol the line-protocol write endpoints, or null for none */
    public HttpChannelInitializer(final HttpApiHandler api, final LiveFeed feed,
                                  final LineProtocolHttpHandler lineProtocol) {
        this(api, feed, lineProtocol, null, new GatewayMetrics(), ConnectionLimits.DEFAULTS.httpRequestTimeoutMillis());
    }

    /**
     * @param lineProtocol the line-protocol write endpoints, or null for none
     * @param tls          the HTTP port's TLS context, or null for plain HTTP
     * @param metrics      where refused requests and TLS failures are counted
     * @param requestTimeoutMillis a connection that completes no request for this long is answered 408 and closed
     */
    public HttpChannelInitializer(final HttpApiHandler api, final LiveFeed feed,
                                  final LineProtocolHttpHandler lineProtocol, final SslContext tls,
                                  final GatewayMetrics metrics, final int requestTimeoutMillis) {
        this.metrics = metrics;
        this.requestTimeoutMillis = requestTimeoutMillis;
        this.bodyTooLarge = HttpRequestGuard.rejected(metrics, "body_too_large");
        this.tls = tls;
        this.tlsFailures = tls == null ? null : new TlsFailureHandler("http", metrics);
        this.api = api;
        this.feed = feed;
        this.lineProtocol = lineProtocol;
    }

    @Override
    protected void initChannel(final SocketChannel ch) {
        // A slow reader flips to unwritable after 256 KiB queued, so the feed skips it instead of buffering.
        ch.config().setOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(64 * 1024, 256 * 1024));
        if (tls != null) {
            ch.pipeline().addLast("tls", tls.newHandler(ch.alloc())).addLast("tls-failures", tlsFailures);
        }
        ch.pipeline()
            .addLast("idle", new IdleStateHandler(0, 0, 300)) // slow-loris: nothing for 5 min closes (see below)
            .addLast("http", new HttpServerCodec(4096, 8192, 8192))
            .addLast("gunzip", new HttpContentDecompressor(0)) // line-protocol clients send gzip
            .addLast("aggregate", new HttpObjectAggregator(MAX_REQUEST_BYTES) {
                @Override
                protected void handleOversizedMessage(final ChannelHandlerContext ctx, final HttpMessage oversized)
                    throws Exception {
                    bodyTooLarge.increment(); // answered 413 by the aggregator
                    super.handleOversizedMessage(ctx, oversized);
                }
            })
            .addLast("guard", new HttpRequestGuard(requestTimeoutMillis, metrics))
            .addLast("ws", new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/ws").checkStartsWith(false).maxFramePayloadLength(4096).build()))
            .addLast("line-protocol", lineProtocol != null ? lineProtocol : new ChannelInboundHandlerAdapter())
            .addLast("api", api)
            .addLast("feed", new LiveFeedClientHandler(feed))
            .addLast("close-idle", new IdleConnectionCloser());
    }
}
