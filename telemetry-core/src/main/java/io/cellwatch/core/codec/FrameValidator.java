package io.cellwatch.core.codec;

import static io.cellwatch.core.codec.FrameDescriptor.BYTE_ORDER;
import static io.cellwatch.core.codec.FrameDescriptor.HEADER_LENGTH;

import org.agrona.DirectBuffer;

/**
 * Checks frames before anyone reads them. Returns result codes, never throws on bad input, allocates nothing:
 * a decoder on a hot path must survive any bytes a network peer sends.
 */
public final class FrameValidator {
    /** {@link #checkHeader} result: fewer than {@link FrameDescriptor#HEADER_LENGTH} bytes are available yet. */
    public static final int NEED_MORE = 0;

    private FrameValidator() {
    }

    /**
     * Reads the header at {@code offset}.
     *
     * @return the frame length (> 0) when the header is acceptable, {@link #NEED_MORE} when fewer than 8 bytes are
     *     available, or the negated {@link ErrorCode#code()} (MALFORMED_FRAME for a length below the header,
     *     FRAME_TOO_LARGE above {@code maxFrameLength}, UNKNOWN_FRAME_TYPE, UNSUPPORTED_VERSION for layout 0)
     */
    public static int checkHeader(final DirectBuffer buffer, final int offset, final int available,
                                  final int maxFrameLength) {
        if (available < HEADER_LENGTH) {
            return NEED_MORE;
        }
        final long length = buffer.getInt(offset + FrameDescriptor.LENGTH_OFFSET, BYTE_ORDER) & 0xFFFFFFFFL;
        if (length < HEADER_LENGTH) {
            return -ErrorCode.MALFORMED_FRAME.code();
        }
        if (length > maxFrameLength) {
            return -ErrorCode.FRAME_TOO_LARGE.code();
        }
        if (!FrameType.isKnown(buffer.getByte(offset + FrameDescriptor.TYPE_OFFSET) & 0xFF)) {
            return -ErrorCode.UNKNOWN_FRAME_TYPE.code();
        }
        if ((buffer.getByte(offset + FrameDescriptor.VERSION_OFFSET) & 0xFF) == 0) {
            return -ErrorCode.UNSUPPORTED_VERSION.code();
        }
        return (int) length;
    }

    /**
     * Validates the body of a complete frame whose header passed {@link #checkHeader}. Trailing bytes after the
     * layout this codec knows are allowed (a newer peer appended fields), except in SAMPLES, whose length is exact.
     */
    public static ErrorCode checkBody(final DirectBuffer buffer, final int offset, final int length) {
        switch (buffer.getByte(offset + FrameDescriptor.TYPE_OFFSET) & 0xFF) {
            case FrameType.HELLO: return HelloFlyweight.validate(buffer, offset, length);
            case FrameType.HELLO_OK: return HelloOkFlyweight.validate(buffer, offset, length);
            case FrameType.CHANNEL: return ChannelFlyweight.validate(buffer, offset, length);
            case FrameType.SAMPLES: return SamplesFlyweight.validate(buffer, offset, length);
            case FrameType.MARK: return MarkFlyweight.validate(buffer, offset, length);
            case FrameType.ACK: return AckFlyweight.validate(buffer, offset, length);
            case FrameType.COMMAND: return CommandFlyweight.validate(buffer, offset, length);
            case FrameType.COMMAND_ACK: return CommandAckFlyweight.validate(buffer, offset, length);
            case FrameType.HEARTBEAT: return HeartbeatFlyweight.validate(buffer, offset, length);
            case FrameType.ERROR: return ErrorFlyweight.validate(buffer, offset, length);
            default: return ErrorCode.UNKNOWN_FRAME_TYPE;
        }
    }

    /**
     * Header and body in one call, for a buffer known to hold {@code available} bytes.
     *
     * @return the frame length (> 0) of a valid complete frame, {@link #NEED_MORE} if it is not complete yet, or
     *     the negated error code
     */
    public static int check(final DirectBuffer buffer, final int offset, final int available, final int maxFrameLength) {
        final int length = checkHeader(buffer, offset, available, maxFrameLength);
        if (length <= 0) {
            return length;
        }
        if (available < length) {
            return NEED_MORE;
        }
        final ErrorCode body = checkBody(buffer, offset, length);
        return body == ErrorCode.OK ? length : -body.code();
    }
}
