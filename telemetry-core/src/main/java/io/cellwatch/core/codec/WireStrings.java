package io.cellwatch.core.codec;

import java.nio.charset.StandardCharsets;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Length-prefixed UTF-8 strings: a u16 byte length followed by the bytes. Strings are only used in
 * low-rate frames (HELLO, CHANNEL, COMMAND, ERROR), never per sample.
 */
public final class WireStrings {
    /** Bytes of the length prefix. */
    public static final int PREFIX_LENGTH = 2;

    private WireStrings() {
    }

    /** Writes {@code value} at {@code offset}; returns the bytes written. Fails on strings that are too long. */
    public static int put(final MutableDirectBuffer buffer, final int offset, final String value) {
        final byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > FrameDescriptor.MAX_STRING_LENGTH) {
            throw new IllegalArgumentException("string of " + bytes.length + " bytes exceeds the limit of "
                + FrameDescriptor.MAX_STRING_LENGTH + ": " + value.substring(0, Math.min(40, value.length())) + "...");
        }
        buffer.putShort(offset, (short) bytes.length, FrameDescriptor.BYTE_ORDER);
        buffer.putBytes(offset + PREFIX_LENGTH, bytes);
        return PREFIX_LENGTH + bytes.length;
    }

    /** Encoded size of {@code value}. */
    public static int encodedLength(final String value) {
        return PREFIX_LENGTH + value.getBytes(StandardCharsets.UTF_8).length;
    }

    /** Reads the string at {@code offset} (the caller has validated the frame). */
    public static String get(final DirectBuffer buffer, final int offset) {
        final int length = buffer.getShort(offset, FrameDescriptor.BYTE_ORDER) & 0xFFFF;
        return buffer.getStringWithoutLengthUtf8(offset + PREFIX_LENGTH, length);
    }

    /** Total bytes (prefix included) of the string at {@code offset}. */
    public static int skip(final DirectBuffer buffer, final int offset) {
        return PREFIX_LENGTH + (buffer.getShort(offset, FrameDescriptor.BYTE_ORDER) & 0xFFFF);
    }

    /**
     * Checks that a string starting at {@code offset} fits before {@code limit} and within the string limit.
     *
     * @return the offset just after the string, or -1 if it does not fit
     */
    public static int check(final DirectBuffer buffer, final int offset, final int limit) {
        if (offset + PREFIX_LENGTH > limit) {
            return -1;
        }
        final int length = buffer.getShort(offset, FrameDescriptor.BYTE_ORDER) & 0xFFFF;
        if (length > FrameDescriptor.MAX_STRING_LENGTH || offset + PREFIX_LENGTH + length > limit) {
            return -1;
        }
        return offset + PREFIX_LENGTH + length;
    }
}
