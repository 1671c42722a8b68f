package io.cellwatch.core.codec;

import static io.cellwatch.core.codec.FrameDescriptor.BYTE_ORDER;
import static io.cellwatch.core.codec.FrameDescriptor.HEADER_LENGTH;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * ERROR (both ways): an error code from {@link ErrorCode} and a human-readable text. The sender closes the
 * connection after sending it.
 *
 * <pre>
 *  | header (8) type = 10 | 8 | error code u16 | 10 | message str |
 * </pre>
 */
public final class ErrorFlyweight extends FrameFlyweight {
    public static final int CODE_OFFSET = HEADER_LENGTH;
    public static final int MESSAGE_OFFSET = HEADER_LENGTH + 2;
    public static final int MIN_LENGTH = MESSAGE_OFFSET + WireStrings.PREFIX_LENGTH;
    /** Longest message text sent; longer texts are cut. */
    public static final int MAX_MESSAGE_CHARS = 500;

    public int code() {
        return buffer.getShort(offset + CODE_OFFSET, BYTE_ORDER) & 0xFFFF;
    }

    /** The error code, or null for a code unknown to this codec version. */
    public ErrorCode errorCode() {
        return ErrorCode.ofCode(code());
    }

    public String message() {
        return WireStrings.get(buffer, offset + MESSAGE_OFFSET);
    }

    public static int encode(final MutableDirectBuffer buffer, final int offset, final ErrorCode code,
                             final String message) {
        final String text = message.length() > MAX_MESSAGE_CHARS ? message.substring(0, MAX_MESSAGE_CHARS) : message;
        buffer.putShort(offset + CODE_OFFSET, (short) code.code(), BYTE_ORDER);
        final int length = MESSAGE_OFFSET + WireStrings.put(buffer, offset + MESSAGE_OFFSET, text);
        putHeader(buffer, offset, length, FrameType.ERROR);
        return length;
    }

    static ErrorCode validate(final DirectBuffer buffer, final int offset, final int length) {
        return length < MIN_LENGTH || WireStrings.check(buffer, offset + MESSAGE_OFFSET, offset + length) < 0
            ? ErrorCode.MALFORMED_FRAME : ErrorCode.OK;
    }
}
