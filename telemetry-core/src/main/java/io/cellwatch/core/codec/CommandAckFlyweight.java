package io.cellwatch.core.codec;

import static io.cellwatch.core.codec.FrameDescriptor.HEADER_LENGTH;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * COMMAND_ACK (rig -> gateway): the rig received the COMMAND with this alert id and acted on it.
 *
 * <pre>
 *  | header (8) type = 8 | 8 | alert id str |
 * </pre>
 */
public final class CommandAckFlyweight extends FrameFlyweight {
    public static final int ALERT_ID_OFFSET = HEADER_LENGTH;
    public static final int MIN_LENGTH = ALERT_ID_OFFSET + WireStrings.PREFIX_LENGTH;

    public String alertId() {
        return WireStrings.get(buffer, offset + ALERT_ID_OFFSET);
    }

    public static int encode(final MutableDirectBuffer buffer, final int offset, final String alertId) {
        final int length = ALERT_ID_OFFSET + WireStrings.put(buffer, offset + ALERT_ID_OFFSET, alertId);
        putHeader(buffer, offset, length, FrameType.COMMAND_ACK);
        return length;
    }

    static ErrorCode validate(final DirectBuffer buffer, final int offset, final int length) {
        return length < MIN_LENGTH || WireStrings.check(buffer, offset + ALERT_ID_OFFSET, offset + length) < 0
            ? ErrorCode.MALFORMED_FRAME : ErrorCode.OK;
    }
}
