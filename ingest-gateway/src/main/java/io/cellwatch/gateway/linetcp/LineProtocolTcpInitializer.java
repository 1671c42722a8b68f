package io.cellwatch.gateway.linetcp;

import java.util.concurrent.atomic.LongAdder;

import io.cellwatch.gateway.lineprotocol.LineProtocolWriter;
import io.cellwatch.gateway.metrics.GatewayMetrics;
import io.cellwatch.gateway.tcp.FrameTimeoutHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;

/**
 * Assembles a raw-TCP line-protocol connection's pipeline: line splitter, line timeout (a connection that completes
 * no line for the timeout is closed, so idle and slow-loris clients cannot hold the port's connections), point
 * handler.
 */
public final class LineProtocolTcpInitializer extends ChannelInitializer<SocketChannel> {
    private final LineProtocolWriter writer;
    private final String precision;
    private final int maxLineLength;
    private final GatewayMetrics metrics;
    private final int lineTimeoutMillis;
    private final LongAdder lineTimeouts;

    /**
     * @param precision         timestamp precision of every line (ns, us, ms, s): raw TCP has no query string
     * @param maxLineLength     longest line accepted, bytes; a longer one closes the connection
     * @param lineTimeoutMillis a connection that completes no line for this long is closed
     */
    public LineProtocolTcpInitializer(final LineProtocolWriter writer, final String precision,
                                      final int maxLineLength, final int lineTimeoutMillis,
                                      final GatewayMetrics metrics) {
        this.writer = writer;
        this.precision = precision;
        this.maxLineLength = maxLineLength;
        this.metrics = metrics;
        this.lineTimeoutMillis = lineTimeoutMillis;
        this.lineTimeouts = metrics.labeled("connections_closed", "reason", "line_protocol_tcp_timeout");
    }

    @Override
    protected void initChannel(final SocketChannel ch) {
        ch.pipeline()
            .addLast("lines", new TerminatedLineDecoder(maxLineLength, metrics))
            .addLast("line-timeout", new FrameTimeoutHandler(lineTimeoutMillis, lineTimeouts, "line"))
            .addLast("points", new LineProtocolTcpHandler(writer, precision, metrics));
    }
}
