package io.cellwatch.core.codec;

import static io.cellwatch.core.codec.FrameDescriptor.BYTE_ORDER;
import static io.cellwatch.core.codec.FrameDescriptor.HEADER_LENGTH;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * MARK (rig -> gateway): a phase marker on one channel, e.g. the press started moving or the short was applied.
 * Rules take their baseline at the marker. Unknown mark types are stored and ignored by the rules.
 *
 * <pre>
 *  | header (8) type = 5 |
 *  |  8 | sequence u64                                               |
 *  | 16 | channel no u16 | mark type u16 | reserved u32              |
 *  | 24 | rig timestamp, us since the epoch i64                      |   = 32 bytes
 * </pre>
 */
public final class MarkFlyweight extends FrameFlyweight {
    public static final int SEQUENCE_OFFSET = HEADER_LENGTH;
    public static final int CHANNEL_NO_OFFSET = HEADER_LENGTH + 8;
    public static final int MARK_TYPE_OFFSET = HEADER_LENGTH + 10;
    public static final int TIMESTAMP_OFFSET = HEADER_LENGTH + 16;
    public static final int LENGTH = HEADER_LENGTH + 24;

    public long sequence() {
        return buffer.getLong(offset + SEQUENCE_OFFSET, BYTE_ORDER);
    }

    public int channelNo() {
        return buffer.getShort(offset + CHANNEL_NO_OFFSET, BYTE_ORDER) & 0xFFFF;
    }

    public int markType() {
        return buffer.getShort(offset + MARK_TYPE_OFFSET, BYTE_ORDER) & 0xFFFF;
    }

    public long timestampMicros() {
        return buffer.getLong(offset + TIMESTAMP_OFFSET, BYTE_ORDER);
    }

    public static int encode(final MutableDirectBuffer buffer, final int offset, final long sequence,
                             final int channelNo, final int markType, final long timestampMicros) {
        putHeader(buffer, offset, LENGTH, FrameType.MARK);
        buffer.putLong(offset + SEQUENCE_OFFSET, sequence, BYTE_ORDER);
        buffer.putShort(offset + CHANNEL_NO_OFFSET, (short) channelNo, BYTE_ORDER);
        buffer.putShort(offset + MARK_TYPE_OFFSET, (short) markType, BYTE_ORDER);
        buffer.putInt(offset + MARK_TYPE_OFFSET + 2, 0, BYTE_ORDER);
        buffer.putLong(offset + TIMESTAMP_OFFSET, timestampMicros, BYTE_ORDER);
        return LENGTH;
    }

    static ErrorCode validate(final DirectBuffer buffer, final int offset, final int length) {
        return length < LENGTH ? ErrorCode.MALFORMED_FRAME : ErrorCode.OK;
    }
}
