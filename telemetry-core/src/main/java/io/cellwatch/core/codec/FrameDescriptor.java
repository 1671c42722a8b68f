package io.cellwatch.core.codec;

import java.nio.ByteOrder;

/**
 * The frame header common to every rig protocol frame. All integers are little-endian.
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                  frame length (u32, header included)          |
 *  +---------------+---------------+-------------------------------+
 *  |  type (u8)    | version (u8)  |        flags (u16, 0)         |
 *  +---------------+---------------+-------------------------------+
 *  |                        body ...
 * </pre>
 *
 * The version is the layout version of this frame type. A reader accepts a higher version than it knows as long
 * as the frame is at least as long as the layout it knows: fields are only ever added at the end.
 */
public final class FrameDescriptor {
    /** Byte order of every multi-byte field. */
    public static final ByteOrder BYTE_ORDER = ByteOrder.LITTLE_ENDIAN;
    /** Protocol version negotiated in HELLO. */
    public static final int PROTOCOL_VERSION = 1;
    /** Layout version written by this codec for every frame type. */
    public static final int LAYOUT_VERSION = 1;

    public static final int LENGTH_OFFSET = 0;
    public static final int TYPE_OFFSET = 4;
    public static final int VERSION_OFFSET = 5;
    public static final int FLAGS_OFFSET = 6;
    /** Length of the common header; the body starts here. */
    public static final int HEADER_LENGTH = 8;

    /** Default and hard upper limit of a frame's length: 1 MiB holds 32,767 samples. */
    public static final int DEFAULT_MAX_FRAME_LENGTH = 1 << 20;

    /** Longest string field (rig id, channel id, serial, ...) in UTF-8 bytes. */
    public static final int MAX_STRING_LENGTH = 1024;

    private FrameDescriptor() {
    }
}
