package io.cellwatch.gateway.tls;

import java.util.concurrent.atomic.LongAdder;

import javax.net.ssl.SSLException;

import io.cellwatch.gateway.metrics.GatewayMetrics;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits right after the SslHandler: counts failed handshakes (a plain-text client on a TLS port, an untrusted or
 * missing client certificate, a handshake that timed out) as {@code tls_handshakes_failed{port=...}}, and closes the
 * connection quietly. The TLS error stops here, so the handlers behind it (which would answer a protocol ERROR or
 * an HTTP 500 through a broken TLS session) never see it. Stateless, so one instance per port.
 */
@ChannelHandler.Sharable
public final class TlsFailureHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(TlsFailureHandler.class);

    private final String port;
    private final LongAdder handshakesFailed;
    private final LongAdder sessionErrors;

    /** @param port the port's name in the metric label and logs, {@code rig} or {@code http} */
    public TlsFailureHandler(final String port, final GatewayMetrics metrics) {
        this.port = port;
        this.handshakesFailed = metrics.labeled("tls_handshakes_failed", "port", port);
        this.sessionErrors = metrics.labeled("tls_session_errors", "port", port);
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent done && !done.isSuccess()) {
            handshakesFailed.increment();
            LOG.info("TLS handshake on the {} port from {} failed: {}", port, ctx.channel().remoteAddress(),
                done.cause().toString());
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) throws Exception {
        if (cause instanceof SSLException || cause instanceof DecoderException && cause.getCause() instanceof SSLException) {
            // A failed handshake was counted by its completion event; an error after it (a bad record) is counted here.
            final SslHandler ssl = ctx.pipeline().get(SslHandler.class);
            if (ssl != null && ssl.handshakeFuture().isSuccess()) {
                sessionErrors.increment();
                LOG.info("TLS error on the {} port from {}: {}", port, ctx.channel().remoteAddress(), cause.toString());
            }
            ctx.close();
            return;
        }
        super.exceptionCaught(ctx, cause);
    }
}
