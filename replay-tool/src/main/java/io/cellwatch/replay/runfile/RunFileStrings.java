package io.cellwatch.replay.runfile;

import java.nio.charset.StandardCharsets;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/** The run file's strings: a u16 byte count and that many bytes of UTF-8 (at most 65535 bytes). */
final class RunFileStrings {
    static final int PREFIX_LENGTH = 2;

    private RunFileStrings() {
    }

    /** UTF-8 bytes of {@code value}, checked against the length limit. */
    static byte[] bytes(final String what, final String value) {
        final byte[] b = value.getBytes(StandardCharsets.UTF_8);
        if (b.length > RunFileFormat.MAX_STRING_LENGTH) {
            throw new IllegalArgumentException(what + " is longer than " + RunFileFormat.MAX_STRING_LENGTH
                + " bytes of UTF-8");
        }
        return b;
    }

    /** Writes a str at {@code offset}; returns the bytes written. */
    static int put(final MutableDirectBuffer buffer, final int offset, final byte[] utf8) {
        buffer.putShort(offset, (short) utf8.length, RunFileFormat.BYTE_ORDER);
        buffer.putBytes(offset + PREFIX_LENGTH, utf8);
        return PREFIX_LENGTH + utf8.length;
    }

    /**
     * The offset after the str at {@code offset}, or -1 when it runs past {@code limit}.
     */
    static int end(final DirectBuffer buffer, final int offset, final int limit) {
        if (offset + PREFIX_LENGTH > limit) {
            return -1;
        }
        final int end = offset + PREFIX_LENGTH + (buffer.getShort(offset, RunFileFormat.BYTE_ORDER) & 0xFFFF);
        return end > limit ? -1 : end;
    }

    /** The str at {@code offset} (checked with {@link #end} before). */
    static String get(final DirectBuffer buffer, final int offset) {
        final int length = buffer.getShort(offset, RunFileFormat.BYTE_ORDER) & 0xFFFF;
        return buffer.getStringWithoutLengthUtf8(offset + PREFIX_LENGTH, length);
    }
}
