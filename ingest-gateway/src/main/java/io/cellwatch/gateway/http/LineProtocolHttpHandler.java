package io.cellwatch.gateway.http;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.LongAdder;

import io.cellwatch.gateway.lineprotocol.LineProtocolException;
import io.cellwatch.gateway.lineprotocol.LineProtocolParser;
import io.cellwatch.gateway.lineprotocol.LineProtocolWriter;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;

/**
 * InfluxDB line protocol over HTTP: {@code POST /write} (v1: {@code ?precision=n|u|ms|s}) and
 * {@code POST /api/v2/write} (v2: {@code ?precision=ns|us|ms|s}), gzip accepted (the pipeline decompresses).
 * Answers 204 only after Kafka holds every point of the request; 400 names the first bad line and nothing of the
 * request is written; 401 without a valid token when rigs authenticate ({@code Authorization: Token <rig token>},
 * which lets the client write only that rig's channels); 503 when Kafka did not take the points (retry). Other
 * requests pass on to the next handler. Stateless, so shared.
 */
@ChannelHandler.Sharable
public final class LineProtocolHttpHandler extends ChannelInboundHandlerAdapter {
    private final LineProtocolWriter writer;
    private final Map<String, String> rigsByToken = new HashMap<>();
    private final LongAdder pointsIn;
    private final LongAdder requestsRejected;

    /**
     * @param rigTokens rig id to token; empty = no authentication (development only)
     */
    public LineProtocolHttpHandler(final LineProtocolWriter writer, final Map<String, String> rigTokens,
                                   final LongAdder pointsIn, final LongAdder requestsRejected) {
        this.writer = writer;
        rigTokens.forEach((rig, token) -> rigsByToken.put(token, rig));
        this.pointsIn = pointsIn;
        this.requestsRejected = requestsRejected;
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
        if (!(msg instanceof FullHttpRequest req)) {
            ctx.fireChannelRead(msg);
            return;
        }
        final QueryStringDecoder uri = new QueryStringDecoder(req.uri());
        final String path = uri.path();
        if (!path.equals("/write") && !path.equals("/api/v2/write")) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            handle(ctx, req, uri, path.equals("/write"));
        } finally {
            ReferenceCountUtil.release(req);
        }
    }

    private void handle(final ChannelHandlerContext ctx, final FullHttpRequest req, final QueryStringDecoder uri,
                        final boolean v1) {
        final boolean keepAlive = HttpUtil.isKeepAlive(req);
        if (req.method() != HttpMethod.POST) {
            reply(ctx, keepAlive, HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed: POST line protocol");
            return;
        }
        String authorizedRig = null;
        if (!rigsByToken.isEmpty()) {
            final String auth = req.headers().get(HttpHeaderNames.AUTHORIZATION, "");
            authorizedRig = auth.startsWith("Token ") ? rigsByToken.get(auth.substring(6).trim()) : null;
            if (authorizedRig == null) {
                requestsRejected.increment();
                reply(ctx, keepAlive, HttpResponseStatus.UNAUTHORIZED, "needs 'Authorization: Token <rig token>'");
                return;
            }
        }
        final List<String> p = uri.parameters().get("precision");
        final String precision = p == null ? "ns" : v1 && p.get(0).equals("u") ? "us"
            : v1 && p.get(0).equals("n") ? "ns" : p.get(0);
        final CompletableFuture<Integer> stored;
        try {
            stored = writer.write(LineProtocolParser.parse(req.content().toString(StandardCharsets.UTF_8), precision),
                authorizedRig);
        } catch (LineProtocolException e) {
            requestsRejected.increment();
            reply(ctx, keepAlive, HttpResponseStatus.BAD_REQUEST, e.getMessage());
            return;
        }
        stored.whenComplete((count, failure) -> ctx.executor().execute(() -> {
            if (failure != null) {
                final Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
                reply(ctx, keepAlive, HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "storage unavailable, retry the request: " + cause.getMessage());
                return;
            }
            pointsIn.add(count);
            final FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT);
            HttpUtil.setKeepAlive(r, keepAlive);
            final var f = ctx.writeAndFlush(r);
            if (!keepAlive) {
                f.addListener(ChannelFutureListener.CLOSE);
            }
        }));
    }

    /** Errors in InfluxDB's JSON shape, {"code": ..., "message": ...}, so its clients print them. */
    private static void reply(final ChannelHandlerContext ctx, final boolean keepAlive,
                              final HttpResponseStatus status, final String message) {
        final String code = status.code() == 400 ? "invalid" : status.code() == 401 ? "unauthorized"
            : status.code() == 503 ? "unavailable" : "method not allowed";
        final String body = "{\"code\":\"" + code + "\",\"message\":\"" + message.replace("\\", "\\\\")
            .replace("\"", "\\\"").replace("\n", " ") + "\"}";
        final FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
            Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        HttpUtil.setContentLength(r, r.content().readableBytes());
        HttpUtil.setKeepAlive(r, keepAlive && status.code() < 500);
        final var f = ctx.writeAndFlush(r);
        if (!keepAlive || status.code() >= 500) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }
}
