package io.cellwatch.core.codec;

import static io.cellwatch.core.codec.FrameDescriptor.BYTE_ORDER;
import static io.cellwatch.core.codec.FrameDescriptor.HEADER_LENGTH;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * ACK (gateway -> rig): every sequenced frame this connection sent up to and including this sequence number is
 * durably in Kafka. Cumulative, so a lost ACK is repaired by the next one.
 *
 * <pre>
 *  | header (8) type = 6 | 8 | sequence u64 |   = 16 bytes
 * </pre>
 */
public final class AckFlyweight extends FrameFlyweight {
    public static final int SEQUENCE_OFFSET = HEADER_LENGTH;
    public static final int LENGTH = HEADER_LENGTH + 8;

    public long sequence() {
        return buffer.getLong(offset + SEQUENCE_OFFSET, BYTE_ORDER);
    }

    public static int encode(final MutableDirectBuffer buffer, final int offset, final long sequence) {
        putHeader(buffer, offset, LENGTH, FrameType.ACK);
        buffer.putLong(offset + SEQUENCE_OFFSET, sequence, BYTE_ORDER);
        return LENGTH;
    }

    static ErrorCode validate(final DirectBuffer buffer, final int offset, final int length) {
        return length < LENGTH ? ErrorCode.MALFORMED_FRAME : ErrorCode.OK;
    }
}
