package io.cellwatch.gateway.tcp;

import io.cellwatch.core.alert.Alert;
import io.cellwatch.core.codec.AckFlyweight;
import io.cellwatch.core.codec.CommandFlyweight;
import io.cellwatch.core.codec.ErrorCode;
import io.cellwatch.core.codec.ErrorFlyweight;
import io.cellwatch.core.codec.HeartbeatFlyweight;
import io.cellwatch.core.codec.HelloOkFlyweight;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.agrona.ExpandableArrayBuffer;

/**
 * Encodes the frames the gateway sends (HELLO_OK, ACK, COMMAND, HEARTBEAT, ERROR) into ByteBufs. One instance per
 * connection: its scratch buffer is used only on that connection's event loop.
 */
final class OutboundFrames {
    private final ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(256);
    private final ByteBufAllocator alloc;

    OutboundFrames(final ByteBufAllocator alloc) {
        this.alloc = alloc;
    }

    ByteBuf helloOk(final int heartbeatIntervalMillis, final int maxFrameLength, final long nowMicros) {
        return copy(HelloOkFlyweight.encode(scratch, 0, heartbeatIntervalMillis, maxFrameLength, nowMicros));
    }

    ByteBuf ack(final long sequence) {
        return copy(AckFlyweight.encode(scratch, 0, sequence));
    }

    ByteBuf heartbeat(final long nowMicros) {
        return copy(HeartbeatFlyweight.encode(scratch, 0, nowMicros));
    }

    ByteBuf error(final ErrorCode code, final String message) {
        return copy(ErrorFlyweight.encode(scratch, 0, code, message));
    }

    ByteBuf command(final int channelNo, final Alert alert) {
        return copy(CommandFlyweight.encode(scratch, 0, channelNo, alert.action(), alert.sampleTimeMicros(),
            alert.alertId(), alert.channelId(), alert.rule(), alert.reason() == null ? "" : alert.reason()));
    }

    private ByteBuf copy(final int length) {
        final ByteBuf out = alloc.buffer(length);
        out.writeBytes(scratch.byteArray(), 0, length);
        return out;
    }
}
