package io.cellwatch.core.codec;

import static io.cellwatch.core.codec.FrameDescriptor.BYTE_ORDER;
import static io.cellwatch.core.codec.FrameDescriptor.HEADER_LENGTH;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import io.cellwatch.core.model.CellForm;
import io.cellwatch.core.model.ChannelDeclaration;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * CHANNEL (rig -> gateway): binds a connection-local channel number to a plant-wide channel id and the cell's
 * metadata. Sequenced and acknowledged like SAMPLES, because it is stored in Kafka ahead of the channel's samples.
 *
 * <pre>
 *  | header (8) type = 3 |
 *  |  8 | sequence u64                                                     |
 *  | 16 | channel no u16 | cell form u8 | override count u8 | procedure version u16 | reserved u16 |
 *  | 24 | rated capacity Ah f64                                            |
 *  | 32 | channel id str | cell serial str | lot str | procedure id str |
 *  |    | override count x ( key str | value f64 ) |
 * </pre>
 * A str is a u16 byte length followed by UTF-8 bytes.
 */
public final class ChannelFlyweight extends FrameFlyweight {
    public static final int SEQUENCE_OFFSET = HEADER_LENGTH;
    public static final int CHANNEL_NO_OFFSET = HEADER_LENGTH + 8;
    public static final int CELL_FORM_OFFSET = HEADER_LENGTH + 10;
    public static final int OVERRIDE_COUNT_OFFSET = HEADER_LENGTH + 11;
    public static final int PROCEDURE_VERSION_OFFSET = HEADER_LENGTH + 12;
    public static final int RATED_CAPACITY_OFFSET = HEADER_LENGTH + 16;
    public static final int STRINGS_OFFSET = HEADER_LENGTH + 24;
    public static final int MIN_LENGTH = STRINGS_OFFSET + 4 * WireStrings.PREFIX_LENGTH;
    /** Most limit overrides one CHANNEL frame may carry. */
    public static final int MAX_OVERRIDES = 32;

    public long sequence() {
        return buffer.getLong(offset + SEQUENCE_OFFSET, BYTE_ORDER);
    }

    public int channelNo() {
        return buffer.getShort(offset + CHANNEL_NO_OFFSET, BYTE_ORDER) & 0xFFFF;
    }

    public int cellFormCode() {
        return buffer.getByte(offset + CELL_FORM_OFFSET) & 0xFF;
    }

    public int overrideCount() {
        return buffer.getByte(offset + OVERRIDE_COUNT_OFFSET) & 0xFF;
    }

    public int procedureVersion() {
        return buffer.getShort(offset + PROCEDURE_VERSION_OFFSET, BYTE_ORDER) & 0xFFFF;
    }

    public double ratedCapacityAh() {
        return buffer.getDouble(offset + RATED_CAPACITY_OFFSET, BYTE_ORDER);
    }

    /** Decodes the whole declaration (allocates; CHANNEL frames are rare). */
    public ChannelDeclaration declaration() {
        int pos = offset + STRINGS_OFFSET;
        final String channelId = WireStrings.get(buffer, pos);
        pos += WireStrings.skip(buffer, pos);
        final String serial = WireStrings.get(buffer, pos);
        pos += WireStrings.skip(buffer, pos);
        final String lot = WireStrings.get(buffer, pos);
        pos += WireStrings.skip(buffer, pos);
        final String procedureId = WireStrings.get(buffer, pos);
        pos += WireStrings.skip(buffer, pos);
        final Map<String, Double> overrides = new LinkedHashMap<>();
        for (int i = 0, n = overrideCount(); i < n; i++) {
            final String key = WireStrings.get(buffer, pos);
            pos += WireStrings.skip(buffer, pos);
            overrides.put(key, buffer.getDouble(pos, BYTE_ORDER));
            pos += Double.BYTES;
        }
        return new ChannelDeclaration(channelNo(), channelId, serial, lot, procedureId, procedureVersion(),
            CellForm.ofCode(cellFormCode()), ratedCapacityAh(), overrides);
    }

    /** Encodes a CHANNEL frame, overrides in key order; returns the frame length. */
    public static int encode(final MutableDirectBuffer buffer, final int offset, final long sequence,
                             final ChannelDeclaration d) {
        if (d.overrides().size() > MAX_OVERRIDES) {
            throw new IllegalArgumentException("at most " + MAX_OVERRIDES + " overrides, got " + d.overrides().size());
        }
        buffer.putLong(offset + SEQUENCE_OFFSET, sequence, BYTE_ORDER);
        buffer.putShort(offset + CHANNEL_NO_OFFSET, (short) d.channelNo(), BYTE_ORDER);
        buffer.putByte(offset + CELL_FORM_OFFSET, (byte) d.cellForm().code());
        buffer.putByte(offset + OVERRIDE_COUNT_OFFSET, (byte) d.overrides().size());
        buffer.putShort(offset + PROCEDURE_VERSION_OFFSET, (short) d.procedureVersion(), BYTE_ORDER);
        buffer.putShort(offset + PROCEDURE_VERSION_OFFSET + 2, (short) 0, BYTE_ORDER);
        buffer.putDouble(offset + RATED_CAPACITY_OFFSET, d.ratedCapacityAh(), BYTE_ORDER);
        int pos = offset + STRINGS_OFFSET;
        pos += WireStrings.put(buffer, pos, d.channelId());
        pos += WireStrings.put(buffer, pos, d.cellSerial());
        pos += WireStrings.put(buffer, pos, d.lot());
        pos += WireStrings.put(buffer, pos, d.procedureId());
        // In key order: ChannelDeclaration keeps its overrides in Map.copyOf, whose iteration order changes from
        // one JVM run to the next, and the same declaration must always give the same bytes.
        for (Map.Entry<String, Double> e : new TreeMap<>(d.overrides()).entrySet()) {
            pos += WireStrings.put(buffer, pos, e.getKey());
            buffer.putDouble(pos, e.getValue(), BYTE_ORDER);
            pos += Double.BYTES;
        }
        final int length = pos - offset;
        putHeader(buffer, offset, length, FrameType.CHANNEL);
        return length;
    }

    static ErrorCode validate(final DirectBuffer buffer, final int offset, final int length) {
        if (length < MIN_LENGTH) {
            return ErrorCode.MALFORMED_FRAME;
        }
        final int limit = offset + length;
        int pos = offset + STRINGS_OFFSET;
        for (int i = 0; i < 4; i++) {
            final int stringStart = pos;
            pos = WireStrings.check(buffer, pos, limit);
            if (pos < 0) {
                return ErrorCode.MALFORMED_FRAME;
            }
            if (i == 0 && pos - stringStart == WireStrings.PREFIX_LENGTH) {
                return ErrorCode.INVALID_VALUE; // the channel id must not be empty
            }
        }
        final int overrides = buffer.getByte(offset + OVERRIDE_COUNT_OFFSET) & 0xFF;
        if (overrides > MAX_OVERRIDES) {
            return ErrorCode.INVALID_VALUE;
        }
        for (int i = 0; i < overrides; i++) {
            pos = WireStrings.check(buffer, pos, limit);
            if (pos < 0 || pos + Double.BYTES > limit) {
                return ErrorCode.MALFORMED_FRAME;
            }
            if (!Double.isFinite(buffer.getDouble(pos, BYTE_ORDER))) {
                return ErrorCode.INVALID_VALUE;
            }
            pos += Double.BYTES;
        }
        if (CellForm.ofCode(buffer.getByte(offset + CELL_FORM_OFFSET) & 0xFF) == null) {
            return ErrorCode.INVALID_VALUE;
        }
        final double capacity = buffer.getDouble(offset + RATED_CAPACITY_OFFSET, BYTE_ORDER);
        if (!(capacity > 0) || !Double.isFinite(capacity)) {
            return ErrorCode.INVALID_VALUE;
        }
        return ErrorCode.OK;
    }
}
