package io.cellwatch.replay.run;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

import io.cellwatch.core.codec.ChannelFlyweight;
import io.cellwatch.core.codec.FrameDescriptor;
import io.cellwatch.core.model.CellForm;
import io.cellwatch.core.model.ChannelDeclaration;

/**
 * What a replay declares about the channel of a run: everything of a CHANNEL frame except the connection-local
 * channel number. Checked here with the gateway's own rules, so a bad value is reported before anything is sent
 * instead of coming back as an INVALID_VALUE error from the gateway.
 *
 * @param channelId        plant-wide channel id, e.g. {@code rigX/ch01}; not empty
 * @param cellSerial       serial number of the cell
 * @param lot              production lot of the cell
 * @param procedureId      test procedure
 * @param procedureVersion version of the procedure, 0..65535
 * @param cellForm         cylindrical, prismatic or pouch
 * @param ratedCapacityAh  rated capacity in Ah, finite and above 0
 * @param overrides        limit overrides by parameter name (e.g. {@code upperChargeVoltage}), finite values
 */
public record ChannelInfo(String channelId, String cellSerial, String lot, String procedureId, int procedureVersion,
                          CellForm cellForm, double ratedCapacityAh, Map<String, Double> overrides) {

    /** The same declaration under another channel id (a replay retargeted to another rig). */
    public ChannelInfo withChannelId(final String newChannelId) {
        return new ChannelInfo(newChannelId, cellSerial, lot, procedureId, procedureVersion, cellForm, ratedCapacityAh,
            overrides);
    }

    /** Override name of the upper charge voltage limit, in volts. */
    public static final String UPPER_CHARGE_VOLTAGE = "upperChargeVoltage";

    public ChannelInfo {
        Objects.requireNonNull(cellForm, "cellForm");
        overrides = Map.copyOf(overrides);
        requireWireString("channel id", channelId);
        if (channelId.isEmpty()) {
            throw new IllegalArgumentException("channel id must not be empty");
        }
        requireWireString("cell serial", cellSerial);
        requireWireString("lot", lot);
        requireWireString("procedure", procedureId);
        if (procedureVersion < 0 || procedureVersion > 0xFFFF) {
            throw new IllegalArgumentException("procedure version must be 0..65535, got " + procedureVersion);
        }
        if (!(ratedCapacityAh > 0) || !Double.isFinite(ratedCapacityAh)) {
            throw new IllegalArgumentException("rated capacity must be a finite number of Ah above 0, got "
                + ratedCapacityAh);
        }
        if (overrides.size() > ChannelFlyweight.MAX_OVERRIDES) {
            throw new IllegalArgumentException("at most " + ChannelFlyweight.MAX_OVERRIDES + " overrides, got "
                + overrides.size());
        }
        for (Map.Entry<String, Double> e : overrides.entrySet()) {
            requireWireString("override name", e.getKey());
            if (!Double.isFinite(e.getValue())) {
                throw new IllegalArgumentException("override " + e.getKey() + " must be a finite number, got "
                    + e.getValue());
            }
        }
    }

    private static void requireWireString(final String what, final String value) {
        Objects.requireNonNull(value, what);
        if (value.getBytes(StandardCharsets.UTF_8).length > FrameDescriptor.MAX_STRING_LENGTH) {
            throw new IllegalArgumentException(what + " is longer than " + FrameDescriptor.MAX_STRING_LENGTH
                + " bytes of UTF-8");
        }
    }

    /** The CHANNEL frame content for this channel under connection-local number {@code channelNo}. */
    public ChannelDeclaration toDeclaration(final int channelNo) {
        return new ChannelDeclaration(channelNo, channelId, cellSerial, lot, procedureId, procedureVersion, cellForm,
            ratedCapacityAh, overrides);
    }
}
