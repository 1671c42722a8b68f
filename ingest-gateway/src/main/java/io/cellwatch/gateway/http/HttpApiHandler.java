package io.cellwatch.gateway.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cellwatch.gateway.board.ChannelBoard;
import io.cellwatch.gateway.metrics.GatewayMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP routes of the gateway. Stateless, so one shared instance serves every connection.
 *
 * <pre>
 * GET  /health                       200 {"status":"up", ...} while the gateway runs
 * GET  /metrics                      Prometheus text format
 * GET  /api/channels                 every channel with its state and latest values
 * GET  /api/channels/{id}            one channel with its decimated history (id URL-encoded, e.g. rigA%2Fch03)
 * GET  /api/alerts?limit=N           recent alerts, newest first
 * POST /api/alerts/{id}/ack          {"comment": "..."} with "Authorization: Bearer TOKEN" (gateway.operator-tokens)
 * GET  /                             the dashboard; /static/... its files
 * </pre>
 * Errors are JSON {"error": "..."} with 400, 401, 404, 405 or 413; unparsable requests and slow clients are answered by
 * {@link HttpRequestGuard} before they get here.
 */
@ChannelHandler.Sharable
public final class HttpApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApiHandler.class);
    private static final String DASHBOARD = "/io/cellwatch/gateway/dashboard/";
    private static final String UPLOT = "/META-INF/resources/webjars/uplot/";
    private static final int MAX_COMMENT = 2000;

    private final ChannelBoard board;
    private final GatewayMetrics metrics;
    private final Supplier<Map<String, Object>> health;
    private final Map<String, String> operatorsByToken;
    private final ObjectMapper json = new ObjectMapper();

    /**
     * @param operatorTokens operator name to token; empty = acknowledgements need no token (development only)
     */
    public HttpApiHandler(final ChannelBoard board, final GatewayMetrics metrics,
                          final Supplier<Map<String, Object>> health, final Map<String, String> operatorTokens) {
        this.board = board;
        this.metrics = metrics;
        this.health = health;
        this.operatorsByToken = new LinkedHashMap<>();
        operatorTokens.forEach((user, token) -> operatorsByToken.put(token, user));
    }

    @Override
    protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpRequest req) throws Exception {
        if (!req.decoderResult().isSuccess()) {
            send(ctx, req, error(HttpResponseStatus.BAD_REQUEST, "malformed HTTP request"));
            return;
        }
        FullHttpResponse response;
        try {
            response = route(req);
        } catch (IllegalArgumentException e) { // a bad %-escape in the URL
            response = error(HttpResponseStatus.BAD_REQUEST, "malformed URL");
        }
        send(ctx, req, response);
    }

    private FullHttpResponse route(final FullHttpRequest req) throws IOException {
        final QueryStringDecoder uri = new QueryStringDecoder(req.uri());
        // Ids are taken from the raw path and decoded once ('+' stays '+', %2F becomes '/'), static names from the
        // decoded path, which is what the traversal check must see.
        final String raw = uri.rawPath();
        final String path = uri.path();
        final HttpMethod method = req.method();
        if (path.equals("/health")) {
            if (method != HttpMethod.GET) {
                return notAllowed();
            }
            final Map<String, Object> h = health.get();
            return json("up".equals(h.get("status")) ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, h);
        } else if (path.equals("/metrics")) {
            return method == HttpMethod.GET ? text(PrometheusText.render(metrics.snapshot(), metrics::isGauge) + metrics.histogramsText(),
                "text/plain; version=0.0.4; charset=utf-8") : notAllowed();
        } else if (path.equals("/api/channels")) {
            return method == HttpMethod.GET ? json(HttpResponseStatus.OK, Map.of("channels",
                board.channelSnapshots(-1))) : notAllowed();
        } else if (raw.startsWith("/api/channels/")) {
            if (method != HttpMethod.GET) {
                return notAllowed();
            }
            final Map<String, Object> ch = board.channelWithHistory(decodeSegment(raw.substring("/api/channels/".length())));
            return ch == null ? error(HttpResponseStatus.NOT_FOUND, "no such channel") : json(HttpResponseStatus.OK, ch);
        } else if (path.equals("/api/alerts")) {
            return method == HttpMethod.GET ? json(HttpResponseStatus.OK, Map.of("alerts",
                board.alerts(limit(uri)))) : notAllowed();
        } else if (raw.startsWith("/api/alerts/") && raw.endsWith("/ack")) {
            return method == HttpMethod.POST ? acknowledge(req,
                decodeSegment(raw.substring("/api/alerts/".length(), raw.length() - "/ack".length()))) : notAllowed();
        } else if (path.equals("/") || path.equals("/index.html")) {
            return method == HttpMethod.GET ? resource(DASHBOARD + "index.html") : notAllowed();
        } else if (path.startsWith("/static/uplot/")) {
            return method == HttpMethod.GET ? resource(UPLOT + safe(path.substring("/static/uplot/".length())))
                : notAllowed();
        } else if (path.startsWith("/static/")) {
            return method == HttpMethod.GET ? resource(DASHBOARD + safe(path.substring("/static/".length())))
                : notAllowed();
        }
        return error(HttpResponseStatus.NOT_FOUND, "no such resource");
    }

    private FullHttpResponse acknowledge(final FullHttpRequest req, final String alertId) {
        final String user;
        if (operatorsByToken.isEmpty()) {
            user = "anonymous (gateway.operator-tokens not set)";
        } else {
            final String auth = req.headers().get(HttpHeaderNames.AUTHORIZATION, "");
            user = auth.startsWith("Bearer ") ? operatorsByToken.get(auth.substring(7).trim()) : null;
            if (user == null) {
                final FullHttpResponse r = error(HttpResponseStatus.UNAUTHORIZED,
                    "acknowledging needs 'Authorization: Bearer <operator token>'");
                r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"cellwatch\"");
                return r;
            }
        }
        String comment = "";
        if (req.content().isReadable()) {
            try {
                final JsonNode body = json.readTree(req.content().toString(StandardCharsets.UTF_8));
                comment = body.path("comment").asText("");
            } catch (IOException e) {
                return error(HttpResponseStatus.BAD_REQUEST, "body must be JSON like {\"comment\": \"...\"}");
            }
        }
        if (comment.length() > MAX_COMMENT) {
            return error(HttpResponseStatus.BAD_REQUEST, "comment longer than " + MAX_COMMENT + " characters");
        }
        if (!board.acknowledge(alertId, user, comment)) {
            return error(HttpResponseStatus.NOT_FOUND, "no recent alert with id " + alertId);
        }
        LOG.info("alert {} acknowledged by {}: {}", alertId, user, comment);
        return json(HttpResponseStatus.OK, Map.of("alertId", alertId, "acknowledgedBy", user, "comment", comment));
    }

    private static int limit(final QueryStringDecoder uri) {
        final List<String> v = uri.parameters().get("limit");
        try {
            return v == null ? 100 : Math.max(1, Math.min(ChannelBoard.RECENT_ALERTS, Integer.parseInt(v.get(0))));
        } catch (NumberFormatException e) {
            return 100;
        }
    }

    /** One %-encoded path segment, decoded once; '+' is a plus in a path, not a space. */
    private static String decodeSegment(final String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /**
     * Refuses path traversal and directory names (a class path folder would answer with a listing): resource names
     * are plain relative file paths.
     */
    private static String safe(final String p) {
        return p.isEmpty() || p.contains("..") || p.contains("//") || p.contains("\\") || p.startsWith("/")
            || p.endsWith("/") || p.indexOf('\0') >= 0 ? "-invalid-" : p;
    }

    private FullHttpResponse resource(final String name) throws IOException {
        try (InputStream in = HttpApiHandler.class.getResourceAsStream(name)) {
            if (in == null) {
                return error(HttpResponseStatus.NOT_FOUND, "no such resource");
            }
            final byte[] bytes = in.readAllBytes();
            final FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(bytes));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType(name));
            r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
            return r;
        }
    }

    private static String contentType(final String name) {
        if (name.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        if (name.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        if (name.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        if (name.endsWith(".svg")) {
            return "image/svg+xml";
        }
        if (name.endsWith(".png")) {
            return "image/png";
        }
        return "application/octet-stream";
    }

    private FullHttpResponse json(final HttpResponseStatus status, final Object body) {
        try {
            final FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(json.writeValueAsBytes(body)));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
            return r;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static FullHttpResponse text(final String body, final String type) {
        final FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
            Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        return r;
    }

    private FullHttpResponse error(final HttpResponseStatus status, final String message) {
        return json(status, Map.of("error", message));
    }

    private FullHttpResponse notAllowed() {
        return error(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed");
    }

    private static void send(final ChannelHandlerContext ctx, final FullHttpRequest req, final FullHttpResponse r) {
        final ByteBuf content = r.content();
        HttpUtil.setContentLength(r, content.readableBytes());
        final boolean keepAlive = HttpUtil.isKeepAlive(req) && r.status().code() < 400;
        HttpUtil.setKeepAlive(r, keepAlive);
        final var f = ctx.writeAndFlush(r);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }
}
