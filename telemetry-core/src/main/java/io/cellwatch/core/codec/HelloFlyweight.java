package io.cellwatch.core.codec;

import static io.cellwatch.core.codec.FrameDescriptor.BYTE_ORDER;
import static io.cellwatch.core.codec.FrameDescriptor.HEADER_LENGTH;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * HELLO (rig -> gateway), the first frame of every connection.
 *
 * <pre>
 *  +--------------------------------+
 *  | header (8)          type = 1   |
 *  +----------------+---------------+
 *  | protocol ver u16 |  rig id: u16 length + UTF-8 ... | token: u16 length + UTF-8 ...
 *  +----------------+---------------------------------------------------------------
 * </pre>
 */
public final class HelloFlyweight extends FrameFlyweight {
    public static final int PROTOCOL_VERSION_OFFSET = HEADER_LENGTH;
    public static final int RIG_ID_OFFSET = HEADER_LENGTH + 2;
    public static final int MIN_LENGTH = RIG_ID_OFFSET + 2 * WireStrings.PREFIX_LENGTH;

    public int protocolVersion() {
        return buffer.getShort(offset + PROTOCOL_VERSION_OFFSET, BYTE_ORDER) & 0xFFFF;
    }

    public String rigId() {
        return WireStrings.get(buffer, offset + RIG_ID_OFFSET);
    }

    public String token() {
        return WireStrings.get(buffer, offset + RIG_ID_OFFSET + WireStrings.skip(buffer, offset + RIG_ID_OFFSET));
    }

    /** Encodes a HELLO; returns the frame length. */
    public static int encode(final MutableDirectBuffer buffer, final int offset, final int protocolVersion,
                             final String rigId, final String token) {
        buffer.putShort(offset + PROTOCOL_VERSION_OFFSET, (short) protocolVersion, BYTE_ORDER);
        int pos = offset + RIG_ID_OFFSET;
        pos += WireStrings.put(buffer, pos, rigId);
        pos += WireStrings.put(buffer, pos, token);
        final int length = pos - offset;
        putHeader(buffer, offset, length, FrameType.HELLO);
        return length;
    }

    static ErrorCode validate(final DirectBuffer buffer, final int offset, final int length) {
        final int limit = offset + length;
        int pos = WireStrings.check(buffer, offset + RIG_ID_OFFSET, limit);
        if (length < MIN_LENGTH || pos < 0 || WireStrings.check(buffer, pos, limit) < 0) {
            return ErrorCode.MALFORMED_FRAME;
        }
        return ErrorCode.OK;
    }
}
