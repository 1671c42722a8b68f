package io.cellwatch.gateway.tcp;

import java.util.concurrent.TimeUnit;

import io.cellwatch.gateway.GatewayConfig;
import io.cellwatch.gateway.board.ChannelBoard;
import io.cellwatch.gateway.command.CommandRouter;
import io.cellwatch.gateway.kafka.RecordPublisher;
import io.cellwatch.gateway.metrics.GatewayMetrics;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.timeout.IdleStateHandler;

/** Assembles a rig connection's pipeline: idle detection, frame decoder, session. Nothing else. */
public final class RigChannelInitializer extends ChannelInitializer<SocketChannel> {
    private final GatewayConfig config;
    private final RecordPublisher publisher;
    private final CommandRouter router;
    private final GatewayMetrics metrics;
    private final ChannelBoard board;

    public RigChannelInitializer(final GatewayConfig config, final RecordPublisher publisher,
                                 final CommandRouter router, final GatewayMetrics metrics, final ChannelBoard board) {
        this.config = config;
        this.publisher = publisher;
        this.router = router;
        this.metrics = metrics;
        this.board = board;
    }

    @Override
    protected void initChannel(final SocketChannel ch) {
        final long hb = config.heartbeatIntervalMillis();
        ch.pipeline()
            .addLast("idle", new IdleStateHandler(3 * hb, hb, 0, TimeUnit.MILLISECONDS))
            .addLast("frames", new RigFrameDecoder(config.maxFrameLength(), metrics))
            .addLast("session", new RigSessionHandler(config, publisher, router, metrics, board));
    }
}
