package io.cellwatch.gateway.linetcp;

import io.cellwatch.gateway.lineprotocol.LineProtocolWriter;
import io.cellwatch.gateway.metrics.GatewayMetrics;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;

/** Assembles a raw-TCP line-protocol connection's pipeline: line splitter, point handler. Nothing else. */
public final class LineProtocolTcpInitializer extends ChannelInitializer<SocketChannel> {
    private final LineProtocolWriter writer;
    private final String precision;
    private final int maxLineLength;
    private final GatewayMetrics metrics;

    /**
     * @param precision     timestamp precision of every line (ns, us, ms, s): raw TCP has no query string
     * @param maxLineLength longest line accepted, bytes; a longer one closes the connection
     */
    public LineProtocolTcpInitializer(final LineProtocolWriter writer, final String precision,
                                      final int maxLineLength, final GatewayMetrics metrics) {
        this.writer = writer;
        this.precision = precision;
        this.maxLineLength = maxLineLength;
        this.metrics = metrics;
    }

    @Override
    protected void initChannel(final SocketChannel ch) {
        ch.pipeline()
            .addLast("lines", new TerminatedLineDecoder(maxLineLength, metrics))
            .addLast("points", new LineProtocolTcpHandler(writer, precision, metrics));
    }
}
