package io.cellwatch.core.model;

import java.util.Map;
import java.util.Objects;

/**
 * What a rig declares about one channel in a CHANNEL frame.
 *
 * @param channelNo        connection-local number used by SAMPLES and MARK frames (0..65535)
 * @param channelId        plant-wide unique id, e.g. {@code rigA/ch03}; the Kafka key
 * @param cellSerial       serial number of the cell under test (traceability)
 * @param lot              production lot of the cell (traceability)
 * @param procedureId      test procedure, e.g. {@code pse-app9/overcharge-protection}
 * @param procedureVersion version of the procedure
 * @param cellForm         cylindrical, prismatic or pouch
 * @param ratedCapacityAh  rated capacity in Ah (> 0)
 * @param overrides        limit overrides by parameter name, e.g. {@code upperChargeVoltage -> 4.35}
 */
public record ChannelDeclaration(int channelNo, String channelId, String cellSerial, String lot, String procedureId,
                                 int procedureVersion, CellForm cellForm, double ratedCapacityAh,
                                 Map<String, Double> overrides) {
    public ChannelDeclaration {
        Objects.requireNonNull(channelId, "channelId");
        Objects.requireNonNull(cellSerial, "cellSerial");
        Objects.requireNonNull(lot, "lot");
        Objects.requireNonNull(procedureId, "procedureId");
        Objects.requireNonNull(cellForm, "cellForm");
        overrides = Map.copyOf(overrides);
        if (channelNo < 0 || channelNo > 0xFFFF) {
            throw new IllegalArgumentException("channelNo must be 0..65535, got " + channelNo);
        }
        if (channelId.isEmpty()) {
            throw new IllegalArgumentException("channelId must not be empty");
        }
    }
}
