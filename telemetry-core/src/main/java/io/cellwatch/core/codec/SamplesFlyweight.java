package io.cellwatch.core.codec;

import static io.cellwatch.core.codec.FrameDescriptor.BYTE_ORDER;
import static io.cellwatch.core.codec.FrameDescriptor.HEADER_LENGTH;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * SAMPLES (rig -> gateway): a batch of samples of one channel, the hot path of the whole system.
 *
 * <pre>
 *  | header (8) type = 4 |
 *  |  8 | sequence u64                                                  |
 *  | 16 | channel no u16 | sample length u16 (32) | sample count u32    |
 *  | 24 | sample 0 | sample 1 | ... (sample count x sample length)     |
 *
 *  one sample (v1, 32 bytes, 8-byte aligned):
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |            rig timestamp, us since the epoch (i64)            |
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                      voltage V (f32)                          |
 *  |                 current A (f32, + = charge)                   |
 *  |                 cell temperature C (f32)                      |
 *  |        ambient temperature C (f32, valid if flag bit 0)       |
 *  |             force N (f32, valid if flag bit 1)                |
 *  |   flags u32: bit 0 ambient present, bit 1 force present,      |
 *  |              bit 2 cell temperature present                   |
 *  +---------------------------------------------------------------+
 * </pre>
 * The frame length must equal 24 + sample length x sample count. A later layout may lengthen the sample; readers
 * use the sample length from the frame, so they keep working.
 */
public final class SamplesFlyweight extends FrameFlyweight {
    public static final int SEQUENCE_OFFSET = HEADER_LENGTH;
    public static final int CHANNEL_NO_OFFSET = HEADER_LENGTH + 8;
    public static final int SAMPLE_LENGTH_OFFSET = HEADER_LENGTH + 10;
    public static final int SAMPLE_COUNT_OFFSET = HEADER_LENGTH + 12;
    public static final int SAMPLES_OFFSET = HEADER_LENGTH + 16;

    /** Sample layout v1. */
    public static final int SAMPLE_LENGTH = 32;
    public static final int TIMESTAMP_OFFSET = 0;
    public static final int VOLTAGE_OFFSET = 8;
    public static final int CURRENT_OFFSET = 12;
    public static final int CELL_TEMPERATURE_OFFSET = 16;
    public static final int AMBIENT_TEMPERATURE_OFFSET = 20;
    public static final int FORCE_OFFSET = 24;
    public static final int FLAGS_OFFSET = 28;

    public static final int FLAG_AMBIENT = 1;
    public static final int FLAG_FORCE = 1 << 1;
    public static final int FLAG_CELL_TEMPERATURE = 1 << 2;

    /** Most samples a frame of the default maximum length can carry. */
    public static final int MAX_SAMPLES_DEFAULT = (FrameDescriptor.DEFAULT_MAX_FRAME_LENGTH - SAMPLES_OFFSET) / SAMPLE_LENGTH;

    private int sampleLength;
    private int samplesBase;

    @Override
    public SamplesFlyweight wrap(final DirectBuffer buffer, final int offset) {
        super.wrap(buffer, offset);
        sampleLength = buffer.getShort(offset + SAMPLE_LENGTH_OFFSET, BYTE_ORDER) & 0xFFFF;
        samplesBase = offset + SAMPLES_OFFSET;
        return this;
    }

    public long sequence() {
        return buffer.getLong(offset + SEQUENCE_OFFSET, BYTE_ORDER);
    }

    public int channelNo() {
        return buffer.getShort(offset + CHANNEL_NO_OFFSET, BYTE_ORDER) & 0xFFFF;
    }

    public int sampleLength() {
        return sampleLength;
    }

    public int sampleCount() {
        return buffer.getInt(offset + SAMPLE_COUNT_OFFSET, BYTE_ORDER);
    }

    public long timestampMicros(final int index) {
        return buffer.getLong(samplesBase + index * sampleLength + TIMESTAMP_OFFSET, BYTE_ORDER);
    }

    public float voltage(final int index) {
        return buffer.getFloat(samplesBase + index * sampleLength + VOLTAGE_OFFSET, BYTE_ORDER);
    }

    public float current(final int index) {
        return buffer.getFloat(samplesBase + index * sampleLength + CURRENT_OFFSET, BYTE_ORDER);
    }

    /** Cell temperature, NaN when the sample has none. */
    public float cellTemperature(final int index) {
        return present(index, FLAG_CELL_TEMPERATURE)
            ? buffer.getFloat(samplesBase + index * sampleLength + CELL_TEMPERATURE_OFFSET, BYTE_ORDER) : Float.NaN;
    }

    /** Ambient temperature, NaN when the sample has none. */
    public float ambientTemperature(final int index) {
        return present(index, FLAG_AMBIENT)
            ? buffer.getFloat(samplesBase + index * sampleLength + AMBIENT_TEMPERATURE_OFFSET, BYTE_ORDER) : Float.NaN;
    }

    /** Force, NaN when the sample has none. */
    public float force(final int index) {
        return present(index, FLAG_FORCE)
            ? buffer.getFloat(samplesBase + index * sampleLength + FORCE_OFFSET, BYTE_ORDER) : Float.NaN;
    }

    public int flags(final int index) {
        return buffer.getInt(samplesBase + index * sampleLength + FLAGS_OFFSET, BYTE_ORDER);
    }

    private boolean present(final int index, final int flag) {
        return (flags(index) & flag) != 0;
    }

    /** Frame length of a SAMPLES frame holding {@code count} v1 samples. */
    public static int frameLength(final int count) {
        return SAMPLES_OFFSET + count * SAMPLE_LENGTH;
    }

    /** Writes the frame header and batch header for {@code count} samples; fill them with {@link #putSample}. */
    public static int encodeHeader(final MutableDirectBuffer buffer, final int offset, final long sequence,
                                   final int channelNo, final int count) {
        final int length = frameLength(count);
        putHeader(buffer, offset, length, FrameType.SAMPLES);
        buffer.putLong(offset + SEQUENCE_OFFSET, sequence, BYTE_ORDER);
        buffer.putShort(offset + CHANNEL_NO_OFFSET, (short) channelNo, BYTE_ORDER);
        buffer.putShort(offset + SAMPLE_LENGTH_OFFSET, (short) SAMPLE_LENGTH, BYTE_ORDER);
        buffer.putInt(offset + SAMPLE_COUNT_OFFSET, count, BYTE_ORDER);
        return length;
    }

    /** Writes sample {@code index} of the frame at {@code offset}; NaN optional values are written as absent. */
    public static void putSample(final MutableDirectBuffer buffer, final int offset, final int index,
                                 final long timestampMicros, final float voltage, final float current,
                                 final float cellTemperature, final float ambientTemperature, final float force) {
        final int base = offset + SAMPLES_OFFSET + index * SAMPLE_LENGTH;
        int flags = 0;
        if (!Float.isNaN(cellTemperature)) {
            flags |= FLAG_CELL_TEMPERATURE;
        }
        if (!Float.isNaN(ambientTemperature)) {
            flags |= FLAG_AMBIENT;
        }
        if (!Float.isNaN(force)) {
            flags |= FLAG_FORCE;
        }
        buffer.putLong(base + TIMESTAMP_OFFSET, timestampMicros, BYTE_ORDER);
        buffer.putFloat(base + VOLTAGE_OFFSET, voltage, BYTE_ORDER);
        buffer.putFloat(base + CURRENT_OFFSET, current, BYTE_ORDER);
        buffer.putFloat(base + CELL_TEMPERATURE_OFFSET, (flags & FLAG_CELL_TEMPERATURE) != 0 ? cellTemperature : 0f, BYTE_ORDER);
        buffer.putFloat(base + AMBIENT_TEMPERATURE_OFFSET, (flags & FLAG_AMBIENT) != 0 ? ambientTemperature : 0f, BYTE_ORDER);
        buffer.putFloat(base + FORCE_OFFSET, (flags & FLAG_FORCE) != 0 ? force : 0f, BYTE_ORDER);
        buffer.putInt(base + FLAGS_OFFSET, flags, BYTE_ORDER);
    }

    static ErrorCode validate(final DirectBuffer buffer, final int offset, final int length) {
        if (length < SAMPLES_OFFSET) {
            return ErrorCode.MALFORMED_FRAME;
        }
        final int sampleLength = buffer.getShort(offset + SAMPLE_LENGTH_OFFSET, BYTE_ORDER) & 0xFFFF;
        final long count = buffer.getInt(offset + SAMPLE_COUNT_OFFSET, BYTE_ORDER) & 0xFFFFFFFFL;
        if (sampleLength < SAMPLE_LENGTH || SAMPLES_OFFSET + count * sampleLength != length) {
            return ErrorCode.MALFORMED_FRAME;
        }
        return ErrorCode.OK;
    }
}
