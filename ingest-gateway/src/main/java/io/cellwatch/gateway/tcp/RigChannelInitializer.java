package io.cellwatch.gateway.tcp;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import io.cellwatch.gateway.GatewayConfig;
import io.cellwatch.gateway.board.ChannelBoard;
import io.cellwatch.gateway.command.CommandRouter;
import io.cellwatch.gateway.kafka.RecordPublisher;
import io.cellwatch.gateway.metrics.GatewayMetrics;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.cellwatch.gateway.tls.TlsFailureHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;

/** Assembles a rig connection's pipeline: TLS when configured, idle detection, frame decoder, session. */
public final class RigChannelInitializer extends ChannelInitializer<SocketChannel> {
    private final GatewayConfig config;
    private final RecordPublisher publisher;
    private final CommandRouter router;
    private final GatewayMetrics metrics;
    private final ChannelBoard board;
    private final SslContext tls;
    private final TlsFailureHandler tlsFailures;
    private final LongAdder frameTimeouts;
    private final InFlightBudget budget;

    /**
     * @param budget the gateway-wide in-flight byte budget all rig sessions share
     * @param tls    the rig port's TLS context, or null for plain TCP
     */
    public RigChannelInitializer(final GatewayConfig config, final RecordPublisher publisher,
                                 final CommandRouter router, final GatewayMetrics metrics, final ChannelBoard board,
                                 final InFlightBudget budget, final SslContext tls) {
        this.budget = budget;
        this.tls = tls;
        this.tlsFailures = tls == null ? null : new TlsFailureHandler("rig", metrics);
        this.frameTimeouts = metrics.labeled("connections_closed", "reason", "incomplete_frame");
        this.config = config;
        this.publisher = publisher;
        this.router = router;
        this.metrics = metrics;
        this.board = board;
    }

    /**
     * The heartbeat contract (docs/protocol.md, section 3): WRITER_IDLE after one interval without writing (the
     * session sends HEARTBEAT), READER_IDLE after three intervals without reading (the session closes a silent rig).
     */
    static IdleStateHandler idleDetection(final long heartbeatMillis) {
        return new IdleStateHandler(3 * heartbeatMillis, heartbeatMillis, 0, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void initChannel(final SocketChannel ch) {
        final long hb = config.heartbeatIntervalMillis();
        if (tls != null) {
            // A client that never finishes the handshake is dropped after the SslHandler's handshake timeout.
            ch.pipeline().addLast("tls", tls.newHandler(ch.alloc())).addLast("tls-failures", tlsFailures);
        }
        ch.pipeline()
            .addLast("idle", idleDetection(hb))
            .addLast("frames", new RigFrameDecoder(config.maxFrameLength(), metrics))
            .addLast("frame-timeout", new FrameTimeoutHandler(config.limits().frameTimeoutMillis(), frameTimeouts))
            .addLast("session", new RigSessionHandler(config, publisher, router, metrics, board, budget));
    }
}
