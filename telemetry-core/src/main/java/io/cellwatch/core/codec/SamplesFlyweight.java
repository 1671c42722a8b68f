package io.cellwatch.core.codec;

import static io.cellwatch.core.codec.FrameDescriptor.BYTE_ORDER;
import static io.cellwatch.core.codec.FrameDescriptor.HEADER_LENGTH;

import java.util.Objects;

import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.UnsafeApi;

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
 *
 * <p><b>How the per-sample reads stay safe without a check per read.</b> Agrona's {@code getFloat} checks
 * {@code index + 4 <= capacity} on every call, and the JIT cannot lift that check out of a sample loop: it was most
 * of the decode cost (7.5 ns per sample with checks, 5.6 without, see benchmarks/README.md). Instead, {@link #wrap}
 * works out once how many whole samples lie inside the buffer ({@link #readableSamples()}: the sample count,
 * clipped to the buffer's capacity), and each per-sample accessor checks only {@code 0 <= index < readableSamples}
 * with {@link Objects#checkIndex} (which the JIT removes from counted loops, as it does array bounds checks) and
 * that the buffer still has the capacity it had at {@code wrap} (loop-invariant, so also hoisted). A field offset
 * is always below the v1 sample length, and the sample length is at least that, so every read lies inside the
 * buffer; the read itself then goes straight to memory. The buffer's address and array are read from the buffer on
 * each access, never cached, so re-pointing the buffer cannot leave this flyweight reading stale memory. An index
 * out of range throws {@link IndexOutOfBoundsException}, as the checked buffer did, but now already at
 * {@code index >= sampleCount}, not only past the end of the buffer.
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

    /** Whether values must be byte-swapped after a native read (never on x86 or ARM Linux, both little-endian). */
    private static final boolean SWAP = BufferUtil.NATIVE_BYTE_ORDER != BYTE_ORDER;

    private int sampleLength;
    private int samplesBase;
    /** Samples that lie wholly inside the buffer (the sample count for a validated frame). */
    private int readableSamples;
    /** End of the readable samples; the buffer's capacity must stay at least this for reads to be in range. */
    private int samplesEnd;

    /**
     * Points this flyweight at the SAMPLES frame at {@code offset}. Reads the batch header (checked) and works out
     * the range the sample accessors may read; see the class comment. The frame should have been validated
     * ({@link FrameValidator}); if it was not, the accessors still never read outside the buffer.
     */
    @Override
    public SamplesFlyweight wrap(final DirectBuffer buffer, final int offset) {
        super.wrap(buffer, offset);
        sampleLength = buffer.getShort(offset + SAMPLE_LENGTH_OFFSET, BYTE_ORDER) & 0xFFFF;
        final long count = buffer.getInt(offset + SAMPLE_COUNT_OFFSET, BYTE_ORDER) & 0xFFFFFFFFL;
        samplesBase = offset + SAMPLES_OFFSET; // >= 0: the checked read above proved offset + 16 >= 0
        final long room = Math.max(0, buffer.capacity() - (long) samplesBase);
        // A sample shorter than v1 would put fields outside it: no sample of such a frame is readable.
        readableSamples = sampleLength < SAMPLE_LENGTH ? 0 : (int) Math.min(count, room / sampleLength);
        samplesEnd = samplesBase + readableSamples * sampleLength;
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

    /** The sample count the frame declares. */
    public int sampleCount() {
        return buffer.getInt(offset + SAMPLE_COUNT_OFFSET, BYTE_ORDER);
    }

    /**
     * How many samples the accessors can read: the sample count, unless the frame is longer than its buffer or its
     * sample length is below v1 (neither passes validation).
     */
    public int readableSamples() {
        return readableSamples;
    }

    public long timestampMicros(final int index) {
        final long bits = UnsafeApi.getLong(buffer.byteArray(), address(index, TIMESTAMP_OFFSET));
        return SWAP ? Long.reverseBytes(bits) : bits;
    }

    public float voltage(final int index) {
        return getFloat(index, VOLTAGE_OFFSET);
    }

    public float current(final int index) {
        return getFloat(index, CURRENT_OFFSET);
    }

    /** Cell temperature, NaN when the sample has none. */
    public float cellTemperature(final int index) {
        return cellTemperature(index, flags(index));
    }

    /** Cell temperature, NaN when {@code flags} (this sample's {@link #flags}) say it has none. */
    public float cellTemperature(final int index, final int flags) {
        return optional(index, CELL_TEMPERATURE_OFFSET, flags, FLAG_CELL_TEMPERATURE);
    }

    /** Ambient temperature, NaN when the sample has none. */
    public float ambientTemperature(final int index) {
        return ambientTemperature(index, flags(index));
    }

    /** Ambient temperature, NaN when {@code flags} (this sample's {@link #flags}) say it has none. */
    public float ambientTemperature(final int index, final int flags) {
        return optional(index, AMBIENT_TEMPERATURE_OFFSET, flags, FLAG_AMBIENT);
    }

    /** Force, NaN when the sample has none. */
    public float force(final int index) {
        return force(index, flags(index));
    }

    /** Force, NaN when {@code flags} (this sample's {@link #flags}) say it has none. */
    public float force(final int index, final int flags) {
        return optional(index, FORCE_OFFSET, flags, FLAG_FORCE);
    }

    /** The sample's flags word; read it once and pass it to the two-argument accessors of the optional values. */
    public int flags(final int index) {
        final int bits = UnsafeApi.getInt(buffer.byteArray(), address(index, FLAGS_OFFSET));
        return SWAP ? Integer.reverseBytes(bits) : bits;
    }

    /** The value is read whether present or not (it lies inside the sample either way), so the choice needs no jump. */
    private float optional(final int index, final int fieldOffset, final int flags, final int flag) {
        final float value = getFloat(index, fieldOffset);
        return (flags & flag) != 0 ? value : Float.NaN;
    }

    private float getFloat(final int index, final int fieldOffset) {
        final long address = address(index, fieldOffset);
        if (SWAP) {
            return Float.intBitsToFloat(Integer.reverseBytes(UnsafeApi.getInt(buffer.byteArray(), address)));
        }
        return UnsafeApi.getFloat(buffer.byteArray(), address);
    }

    /**
     * Address of a field of sample {@code index}, for {@code fieldOffset} + 8 <= {@link #SAMPLE_LENGTH}, after the
     * two checks that keep the read inside the buffer (see the class comment).
     */
    private long address(final int index, final int fieldOffset) {
        Objects.checkIndex(index, readableSamples);
        if (buffer.capacity() < samplesEnd) {
            throw new IllegalStateException("the buffer shrank to " + buffer.capacity() + " bytes after wrap, which "
                + "saw " + samplesEnd + "; wrap the flyweight again");
        }
        return buffer.addressOffset() + samplesBase + (long) index * sampleLength + fieldOffset;
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

    /**
     * Writes sample {@code index} of the frame at {@code offset}; NaN optional values are written as absent.
     *
     * <p>One range check for the whole sample, then the seven fields go straight to memory: the same bytes the
     * buffer's checked puts wrote, without their seven separate checks (see benchmarks/README.md). The check is the
     * buffer's own {@code checkLimit} on the sample's end, so a fixed buffer throws {@link IndexOutOfBoundsException}
     * past its capacity and an expandable one grows first, as with the checked puts; a negative offset or index, or
     * an end beyond {@code int}, throws too. The buffer's array and address are read after that check, since growing
     * replaces them.
     */
    public static void putSample(final MutableDirectBuffer buffer, final int offset, final int index,
                                 final long timestampMicros, final float voltage, final float current,
                                 final float cellTemperature, final float ambientTemperature, final float force) {
        final long base = (long) offset + SAMPLES_OFFSET + (long) index * SAMPLE_LENGTH;
        final long end = base + SAMPLE_LENGTH;
        if (offset < 0 || index < 0 || end > Integer.MAX_VALUE) {
            throw new IndexOutOfBoundsException("sample " + index + " of the frame at " + offset
                + " lies outside any buffer");
        }
        buffer.checkLimit((int) end);
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
        final byte[] array = buffer.byteArray();
        final long address = buffer.addressOffset() + base;
        UnsafeApi.putLong(array, address + TIMESTAMP_OFFSET, SWAP ? Long.reverseBytes(timestampMicros) : timestampMicros);
        putFloat(array, address + VOLTAGE_OFFSET, voltage);
        putFloat(array, address + CURRENT_OFFSET, current);
        putFloat(array, address + CELL_TEMPERATURE_OFFSET, (flags & FLAG_CELL_TEMPERATURE) != 0 ? cellTemperature : 0f);
        putFloat(array, address + AMBIENT_TEMPERATURE_OFFSET, (flags & FLAG_AMBIENT) != 0 ? ambientTemperature : 0f);
        putFloat(array, address + FORCE_OFFSET, (flags & FLAG_FORCE) != 0 ? force : 0f);
        UnsafeApi.putInt(array, address + FLAGS_OFFSET, SWAP ? Integer.reverseBytes(flags) : flags);
    }

    /** The raw bits, as the buffer's {@code putFloat} writes them (a NaN's payload included). */
    private static void putFloat(final byte[] array, final long address, final float value) {
        if (SWAP) {
            UnsafeApi.putInt(array, address, Integer.reverseBytes(Float.floatToRawIntBits(value)));
        } else {
            UnsafeApi.putFloat(array, address, value);
        }
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
