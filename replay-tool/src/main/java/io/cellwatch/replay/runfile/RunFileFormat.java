package io.cellwatch.replay.runfile;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The layout of a run file (docs/run-file.md): a 16-byte file header, then records, each with its own length, type
 * and CRC. All integers are little-endian, like the rig protocol.
 *
 * <pre>
 *  file header (16 bytes)
 *   0       1       2       3       4       5       6       7
 *  +-------+-------+-------+-------+-------+-------+-------+-------+
 *  |  'C'  |  'W'  |  'R'  |  'U'  |  'N'  |format | header length |
 *  |       |       |       |       |       |version| (u16) = 16    |
 *  +-------+-------+-------+-------+-------+-------+-------+-------+
 *  |          file created at, us since the epoch (i64)            |
 *  +-------+-------+-------+-------+-------+-------+-------+-------+
 *
 *  record (12 + body bytes)
 *  +-------+-------+-------+-------+-------+-------+-------+-------+
 *  |  record length L (u32)        | type  |layout | flags (u16)   |
 *  |  whole record, CRC included   | (u8)  |version|  0            |
 *  +-------+-------+-------+-------+-------+-------+-------+-------+
 *  |  body (L - 12 bytes) ...
 *  +-------+-------+-------+-------+
 *  | CRC-32C of bytes 0 .. L-4 (u32)|
 *  +-------+-------+-------+-------+
 * </pre>
 *
 * Bodies: {@link #FRAME} = received-at i64 | rig id str | one rig protocol frame (CHANNEL, SAMPLES or MARK, its own
 * header and length included); {@link #ALERT_SET} = created-at i64 | origin u8 | label str | description str;
 * {@link #ALERT} = label str | JSON length u32 | alert JSON (UTF-8); {@link #NOTE} = written-at i64 | kind str |
 * text length u32 | text (UTF-8). A str is a u16 byte count and that many bytes of UTF-8. Every body may be followed
 * by fields a later layout version adds; readers ignore bytes after the fields they know.
 */
public final class RunFileFormat {
    public static final ByteOrder BYTE_ORDER = ByteOrder.LITTLE_ENDIAN;

    /** The first five bytes of every run file. */
    public static final byte[] MAGIC = "CWRUN".getBytes(StandardCharsets.US_ASCII);
    /** The format version this code writes and the highest it reads. */
    public static final int FORMAT_VERSION = 1;

    public static final int MAGIC_OFFSET = 0;
    public static final int FORMAT_VERSION_OFFSET = 5;
    public static final int HEADER_LENGTH_OFFSET = 6;
    public static final int CREATED_AT_OFFSET = 8;
    /** Length of the version 1 file header; a later version may write a longer one (the field says how long). */
    public static final int HEADER_LENGTH = 16;

    public static final int RECORD_LENGTH_OFFSET = 0;
    public static final int RECORD_TYPE_OFFSET = 4;
    public static final int RECORD_VERSION_OFFSET = 5;
    public static final int RECORD_FLAGS_OFFSET = 6;
    /** Length, type, layout version, flags. */
    public static final int RECORD_HEADER_LENGTH = 8;
    /** The CRC-32C at the end of every record. */
    public static final int RECORD_TRAILER_LENGTH = 4;
    /** The shortest possible record: header and CRC around an empty body. */
    public static final int MIN_RECORD_LENGTH = RECORD_HEADER_LENGTH + RECORD_TRAILER_LENGTH;
    /** The longest record accepted: far above the 1 MiB frame limit, far below what a damaged length looks like. */
    public static final int MAX_RECORD_LENGTH = 16 << 20;
    /** Layout version written for every record type. */
    public static final int RECORD_VERSION = 1;

    /** A rig protocol frame (CHANNEL, SAMPLES or MARK) with its arrival time and rig id. */
    public static final int FRAME = 1;
    /** Declares a set of alerts: its label, origin and what produced it. */
    public static final int ALERT_SET = 2;
    /** One alert of a set, as the alert JSON of the alerts topic. */
    public static final int ALERT = 3;
    /** Free text about the file: where it came from, what was done to it. */
    public static final int NOTE = 4;

    /** The received-at time of a frame whose arrival is not known (an imported file). */
    public static final long UNKNOWN_TIME = Long.MIN_VALUE;
    /** Longest str in a run file, in bytes of UTF-8. */
    public static final int MAX_STRING_LENGTH = 0xFFFF;

    private RunFileFormat() {
    }

    /** The name of a record type, for messages. */
    public static String recordTypeName(final int type) {
        switch (type) {
            case FRAME: return "FRAME";
            case ALERT_SET: return "ALERT_SET";
            case ALERT: return "ALERT";
            case NOTE: return "NOTE";
            default: return "type " + type;
        }
    }
}
