package io.cellwatch.core.record;

import static io.cellwatch.core.codec.FrameDescriptor.BYTE_ORDER;

import io.cellwatch.core.codec.WireStrings;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Value of a record on the samples topic (key: the channel id in UTF-8). The gateway stores the rig's CHANNEL,
 * SAMPLES or MARK frame unchanged behind a small envelope, so the job decodes exactly what the rig sent with the
 * same flyweights, and one Kafka record carries a whole batch of samples.
 *
 * <pre>
 *  |  0 | record version u8 (1) | reserved u8 | reserved u16 | frame offset u32 |
 *  |  8 | gateway receive time, us since the epoch i64                          |
 *  | 16 | rig id str | (future envelope fields) | frame (at frame offset) ...    |
 * </pre>
 * Readers find the frame through the frame offset, so fields can be added to the envelope without breaking them.
 */
public final class TelemetryRecordFlyweight {
    public static final int RECORD_VERSION = 1;
    public static final int VERSION_OFFSET = 0;
    public static final int FRAME_OFFSET_OFFSET = 4;
    public static final int RECEIVED_AT_OFFSET = 8;
    public static final int RIG_ID_OFFSET = 16;
    public static final int MIN_LENGTH = RIG_ID_OFFSET + WireStrings.PREFIX_LENGTH;

    private DirectBuffer buffer;
    private int offset;
    private int length;

    public TelemetryRecordFlyweight wrap(final DirectBuffer buffer, final int offset, final int length) {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        return this;
    }

    /**
     * Checks the envelope of a wrapped record.
     *
     * @return null when valid, else a short reason
     */
    public String validate() {
        if (length < MIN_LENGTH) {
            return "record shorter than its envelope";
        }
        if ((buffer.getByte(offset + VERSION_OFFSET) & 0xFF) < 1) {
            return "record version 0";
        }
        final int rigIdEnd = WireStrings.check(buffer, offset + RIG_ID_OFFSET, offset + length);
        if (rigIdEnd < 0) {
            return "rig id overruns the record";
        }
        final long frameOffset = buffer.getInt(offset + FRAME_OFFSET_OFFSET, BYTE_ORDER) & 0xFFFFFFFFL;
        if (frameOffset < rigIdEnd - offset || frameOffset > length) { // the frame follows the rig id
            return "frame offset outside the record";
        }
        return null;
    }

    public long receivedAtMicros() {
        return buffer.getLong(offset + RECEIVED_AT_OFFSET, BYTE_ORDER);
    }

    public String rigId() {
        return WireStrings.get(buffer, offset + RIG_ID_OFFSET);
    }

    /** Offset of the frame in the wrapped buffer. */
    public int frameOffset() {
        return offset + buffer.getInt(offset + FRAME_OFFSET_OFFSET, BYTE_ORDER);
    }

    /** Length of the frame (the rest of the record). */
    public int frameLength() {
        return offset + length - frameOffset();
    }

    /** Length of the envelope written by {@link #encodeEnvelope} for this rig id. */
    public static int envelopeLength(final String rigId) {
        return RIG_ID_OFFSET + WireStrings.encodedLength(rigId);
    }

    /**
     * Writes the envelope at {@code offset}; the caller copies the frame right after it.
     *
     * @return the envelope length, i.e. where the frame goes
     */
    public static int encodeEnvelope(final MutableDirectBuffer buffer, final int offset, final String rigId,
                                     final long receivedAtMicros) {
        final int envelopeLength = RIG_ID_OFFSET + WireStrings.put(buffer, offset + RIG_ID_OFFSET, rigId);
        buffer.putByte(offset + VERSION_OFFSET, (byte) RECORD_VERSION);
        buffer.putByte(offset + 1, (byte) 0);
        buffer.putShort(offset + 2, (short) 0, BYTE_ORDER);
        buffer.putInt(offset + FRAME_OFFSET_OFFSET, envelopeLength, BYTE_ORDER);
        buffer.putLong(offset + RECEIVED_AT_OFFSET, receivedAtMicros, BYTE_ORDER);
        return envelopeLength;
    }
}
