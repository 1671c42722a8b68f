package io.cellwatch.core.codec;

import static io.cellwatch.core.codec.FrameDescriptor.BYTE_ORDER;
import static io.cellwatch.core.codec.FrameDescriptor.HEADER_LENGTH;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * HELLO_OK (gateway -> rig): the session is open.
 *
 * <pre>
 *  | header (8) type = 2 | protocol ver u16 | reserved u16 | heartbeat interval ms u32 |
 *  | max frame length u32 | gateway time, us since epoch i64 |                       = 28 bytes
 * </pre>
 */
public final class HelloOkFlyweight extends FrameFlyweight {
    public static final int PROTOCOL_VERSION_OFFSET = HEADER_LENGTH;
    public static final int HEARTBEAT_INTERVAL_OFFSET = HEADER_LENGTH + 4;
    public static final int MAX_FRAME_LENGTH_OFFSET = HEADER_LENGTH + 8;
    public static final int GATEWAY_TIME_OFFSET = HEADER_LENGTH + 12;
    public static final int LENGTH = HEADER_LENGTH + 20;

    public int protocolVersion() {
        return buffer.getShort(offset + PROTOCOL_VERSION_OFFSET, BYTE_ORDER) & 0xFFFF;
    }

    public int heartbeatIntervalMillis() {
        return buffer.getInt(offset + HEARTBEAT_INTERVAL_OFFSET, BYTE_ORDER);
    }

    public int maxFrameLength() {
        return buffer.getInt(offset + MAX_FRAME_LENGTH_OFFSET, BYTE_ORDER);
    }

    public long gatewayTimeMicros() {
        return buffer.getLong(offset + GATEWAY_TIME_OFFSET, BYTE_ORDER);
    }

    public static int encode(final MutableDirectBuffer buffer, final int offset, final int heartbeatIntervalMillis,
                             final int maxFrameLength, final long gatewayTimeMicros) {
        putHeader(buffer, offset, LENGTH, FrameType.HELLO_OK);
        buffer.putShort(offset + PROTOCOL_VERSION_OFFSET, (short) FrameDescriptor.PROTOCOL_VERSION, BYTE_ORDER);
        buffer.putShort(offset + PROTOCOL_VERSION_OFFSET + 2, (short) 0, BYTE_ORDER);
        buffer.putInt(offset + HEARTBEAT_INTERVAL_OFFSET, heartbeatIntervalMillis, BYTE_ORDER);
        buffer.putInt(offset + MAX_FRAME_LENGTH_OFFSET, maxFrameLength, BYTE_ORDER);
        buffer.putLong(offset + GATEWAY_TIME_OFFSET, gatewayTimeMicros, BYTE_ORDER);
        return LENGTH;
    }

    static ErrorCode validate(final DirectBuffer buffer, final int offset, final int length) {
        return length < LENGTH ? ErrorCode.MALFORMED_FRAME : ErrorCode.OK;
    }
}
