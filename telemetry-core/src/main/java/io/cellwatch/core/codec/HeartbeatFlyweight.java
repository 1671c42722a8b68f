package io.cellwatch.core.codec;

import static io.cellwatch.core.codec.FrameDescriptor.BYTE_ORDER;
import static io.cellwatch.core.codec.FrameDescriptor.HEADER_LENGTH;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * HEARTBEAT (both ways): the sender is alive. Carries the sender's clock so each side can see the other's skew.
 *
 * <pre>
 *  | header (8) type = 9 | 8 | sender time, us since the epoch i64 |   = 16 bytes
 * </pre>
 */
public final class HeartbeatFlyweight extends FrameFlyweight {
    public static final int TIME_OFFSET = HEADER_LENGTH;
    public static final int LENGTH = HEADER_LENGTH + 8;

    public long senderTimeMicros() {
        return buffer.getLong(offset + TIME_OFFSET, BYTE_ORDER);
    }

    public static int encode(final MutableDirectBuffer buffer, final int offset, final long senderTimeMicros) {
        putHeader(buffer, offset, LENGTH, FrameType.HEARTBEAT);
        buffer.putLong(offset + TIME_OFFSET, senderTimeMicros, BYTE_ORDER);
        return LENGTH;
    }

    static ErrorCode validate(final DirectBuffer buffer, final int offset, final int length) {
        return length < LENGTH ? ErrorCode.MALFORMED_FRAME : ErrorCode.OK;
    }
}
