package io.cellwatch.gateway.http;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import io.cellwatch.gateway.metrics.GatewayMetrics;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.CharsetUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guards an HTTP connection, right after the aggregator: a request the codec could not parse is answered 400
 * (garbage), 414 (request line over 4 KiB) or 431 (headers over 8 KiB) and the connection closed, since nothing after
 * it on the stream can be trusted; a connection that completes no request for the request timeout (a slow-loris
 * trickling headers, an idle keep-alive) is answered 408 and closed, unless the gateway still owes it a response.
 * A WebSocket upgrade takes the connection out of its watch (the live feed has its own rules). Each answer is
 * counted as {@code http_rejected{reason=...}}.
 *
 * <p>Stateful (timers, requests in flight), so one per connection.
 */
final class HttpRequestGuard extends IdleStateHandler {
    private static final Logger LOG = LoggerFactory.getLogger(HttpRequestGuard.class);

    private final LongAdder badRequest;
    private final LongAdder lineTooLong;
    private final LongAdder headersTooLarge;
    private final LongAdder timedOut;
    private int inFlight;

    HttpRequestGuard(final long requestTimeoutMillis, final GatewayMetrics metrics) {
        super(requestTimeoutMillis, 0, 0, TimeUnit.MILLISECONDS);
        badRequest = rejected(metrics, "bad_request");
        lineTooLong = rejected(metrics, "uri_too_long");
        headersTooLarge = rejected(metrics, "headers_too_large");
        timedOut = rejected(metrics, "request_timeout");
    }

    static LongAdder rejected(final GatewayMetrics metrics, final String reason) {
        return metrics.labeled("http_rejected", "reason", reason);
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) throws Exception {
        if (msg instanceof FullHttpRequest req) {
            if (req.decoderResult().isFailure()) {
                final Throwable cause = req.decoderResult().cause();
                req.release();
                final HttpResponseStatus status;
                if (cause instanceof TooLongHttpHeaderException) {
                    status = HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
                    headersTooLarge.increment();
                } else if (cause instanceof TooLongHttpLineException) {
                    status = HttpResponseStatus.REQUEST_URI_TOO_LONG;
                    lineTooLong.increment();
                } else {
                    status = HttpResponseStatus.BAD_REQUEST;
                    badRequest.increment();
                }
                LOG.info("HTTP {} to {}: {}", status.code(), ctx.channel().remoteAddress(), String.valueOf(cause));
                closeWith(ctx, status);
                return;
            }
            inFlight++;
            if (req.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
                ctx.pipeline().remove(this);
            }
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void write(final ChannelHandlerContext ctx, final Object msg, final ChannelPromise promise)
        throws Exception {
        if (msg instanceof HttpResponse && inFlight > 0) {
            inFlight--;
        }
        super.write(ctx, msg, promise);
    }

    @Override
    protected void channelIdle(final ChannelHandlerContext ctx, final IdleStateEvent evt) {
        if (inFlight > 0 || !ctx.channel().config().isAutoRead()) {
            return; // the gateway owes this client an answer (Kafka is slow): not the client's fault
        }
        timedOut.increment();
        closeWith(ctx, HttpResponseStatus.REQUEST_TIMEOUT);
    }

    private static void closeWith(final ChannelHandlerContext ctx, final HttpResponseStatus status) {
        final FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
            Unpooled.copiedBuffer("{\"error\":\"" + status.reasonPhrase() + "\"}", CharsetUtil.UTF_8));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json")
            .setInt(HttpHeaderNames.CONTENT_LENGTH, res.content().readableBytes())
            .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
    }
}
