package io.cellwatch.core.codec;

import static io.cellwatch.core.codec.FrameDescriptor.BYTE_ORDER;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Base of the frame flyweights: a view over a frame at an offset in a buffer, reusable with {@link #wrap}.
 * Accessors read straight from the buffer; nothing is copied or allocated except where a String is asked for.
 */
public abstract class FrameFlyweight {
    protected DirectBuffer buffer;
    protected int offset;

    /** Points this flyweight at the frame starting at {@code offset}. The frame must have been validated. */
    public FrameFlyweight wrap(final DirectBuffer buffer, final int offset) {
        this.buffer = buffer;
        this.offset = offset;
        return this;
    }

    public DirectBuffer buffer() {
        return buffer;
    }

    public int offset() {
        return offset;
    }

    /** Total frame length, header included. */
    public int frameLength() {
        return buffer.getInt(offset + FrameDescriptor.LENGTH_OFFSET, BYTE_ORDER);
    }

    public int type() {
        return buffer.getByte(offset + FrameDescriptor.TYPE_OFFSET) & 0xFF;
    }

    public int version() {
        return buffer.getByte(offset + FrameDescriptor.VERSION_OFFSET) & 0xFF;
    }

    /** Writes the common header. */
    static void putHeader(final MutableDirectBuffer buffer, final int offset, final int frameLength, final int type) {
        buffer.putInt(offset + FrameDescriptor.LENGTH_OFFSET, frameLength, BYTE_ORDER);
        buffer.putByte(offset + FrameDescriptor.TYPE_OFFSET, (byte) type);
        buffer.putByte(offset + FrameDescriptor.VERSION_OFFSET, (byte) FrameDescriptor.LAYOUT_VERSION);
        buffer.putShort(offset + FrameDescriptor.FLAGS_OFFSET, (short) 0, BYTE_ORDER);
    }

    /** Reads the frame length at {@code offset} of any buffer. */
    public static int frameLength(final DirectBuffer buffer, final int offset) {
        return buffer.getInt(offset + FrameDescriptor.LENGTH_OFFSET, BYTE_ORDER);
    }

    /** Reads the frame type at {@code offset} of any buffer. */
    public static int frameType(final DirectBuffer buffer, final int offset) {
        return buffer.getByte(offset + FrameDescriptor.TYPE_OFFSET) & 0xFF;
    }
}
