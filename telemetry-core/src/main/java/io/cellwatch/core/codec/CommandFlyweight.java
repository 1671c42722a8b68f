package io.cellwatch.core.codec;

import static io.cellwatch.core.codec.FrameDescriptor.BYTE_ORDER;
import static io.cellwatch.core.codec.FrameDescriptor.HEADER_LENGTH;

import io.cellwatch.core.alert.StopAction;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * COMMAND (gateway -> rig): act on a channel because an alert was raised. The alert id is deterministic, so a
 * rig that receives the same command twice (at-least-once delivery) recognises the repeat.
 *
 * <pre>
 *  | header (8) type = 7 |
 *  |  8 | channel no u16 | action u8 (1 stop, 2 end, 3 notify) | reserved u8 | reserved u32 |
 *  | 16 | triggering sample time, us since the epoch i64              |
 *  | 24 | alert id str | channel id str | rule str | reason str       |
 * </pre>
 */
public final class CommandFlyweight extends FrameFlyweight {
    public static final int CHANNEL_NO_OFFSET = HEADER_LENGTH;
    public static final int ACTION_OFFSET = HEADER_LENGTH + 2;
    public static final int SAMPLE_TIME_OFFSET = HEADER_LENGTH + 8;
    public static final int STRINGS_OFFSET = HEADER_LENGTH + 16;
    public static final int MIN_LENGTH = STRINGS_OFFSET + 4 * WireStrings.PREFIX_LENGTH;

    public int channelNo() {
        return buffer.getShort(offset + CHANNEL_NO_OFFSET, BYTE_ORDER) & 0xFFFF;
    }

    public int actionCode() {
        return buffer.getByte(offset + ACTION_OFFSET) & 0xFF;
    }

    public StopAction action() {
        return StopAction.ofCode(actionCode());
    }

    public long sampleTimeMicros() {
        return buffer.getLong(offset + SAMPLE_TIME_OFFSET, BYTE_ORDER);
    }

    public String alertId() {
        return WireStrings.get(buffer, stringOffset(0));
    }

    public String channelId() {
        return WireStrings.get(buffer, stringOffset(1));
    }

    public String rule() {
        return WireStrings.get(buffer, stringOffset(2));
    }

    public String reason() {
        return WireStrings.get(buffer, stringOffset(3));
    }

    private int stringOffset(final int index) {
        int pos = offset + STRINGS_OFFSET;
        for (int i = 0; i < index; i++) {
            pos += WireStrings.skip(buffer, pos);
        }
        return pos;
    }

    public static int encode(final MutableDirectBuffer buffer, final int offset, final int channelNo,
                             final StopAction action, final long sampleTimeMicros, final String alertId,
                             final String channelId, final String rule, final String reason) {
        buffer.putShort(offset + CHANNEL_NO_OFFSET, (short) channelNo, BYTE_ORDER);
        buffer.putByte(offset + ACTION_OFFSET, (byte) action.code());
        buffer.putByte(offset + ACTION_OFFSET + 1, (byte) 0);
        buffer.putInt(offset + ACTION_OFFSET + 2, 0, BYTE_ORDER);
        buffer.putLong(offset + SAMPLE_TIME_OFFSET, sampleTimeMicros, BYTE_ORDER);
        int pos = offset + STRINGS_OFFSET;
        pos += WireStrings.put(buffer, pos, alertId);
        pos += WireStrings.put(buffer, pos, channelId);
        pos += WireStrings.put(buffer, pos, rule);
        pos += WireStrings.put(buffer, pos, reason);
        final int length = pos - offset;
        putHeader(buffer, offset, length, FrameType.COMMAND);
        return length;
    }

    static ErrorCode validate(final DirectBuffer buffer, final int offset, final int length) {
        if (length < MIN_LENGTH) {
            return ErrorCode.MALFORMED_FRAME;
        }
        int pos = offset + STRINGS_OFFSET;
        for (int i = 0; i < 4; i++) {
            pos = WireStrings.check(buffer, pos, offset + length);
            if (pos < 0) {
                return ErrorCode.MALFORMED_FRAME;
            }
        }
        return StopAction.ofCode(buffer.getByte(offset + ACTION_OFFSET) & 0xFF) == null
            ? ErrorCode.INVALID_VALUE : ErrorCode.OK;
    }
}
