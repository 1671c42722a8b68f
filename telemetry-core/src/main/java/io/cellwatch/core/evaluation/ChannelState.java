package io.cellwatch.core.evaluation;

import io.cellwatch.core.rules.RuleParameters;
import io.cellwatch.core.rules.TemperatureReturnState;
import io.cellwatch.core.rules.VoltageDropState;

/**
 * Everything kept per channel: who it is, its resolved parameters, and each rule's state. Small and fixed-size
 * (no per-sample history), so a 24 h run at 10 kHz does not grow it. A Flink POJO; the job stores one per key.
 */
public class ChannelState {
    // --- identity (from the CHANNEL declaration; the envelope's rig id until then) ---
    public boolean declared;
    public String channelId;
    public String rigId;
    public String cellSerial;
    public String lot;
    public String procedureId;
    public int procedureVersion;
    public RuleParameters parameters;

    // --- ordering ---
    /** Highest rig sequence applied; records at or below it are rig resends and are skipped. */
    public long lastSequence = Long.MIN_VALUE;
    /** Rig timestamp of the newest sample evaluated. */
    public long lastSampleMicros = Long.MIN_VALUE;
    /**
     * Rig time of the newest record (sample or mark): with {@link #lastSeenWallMicros} the anchor for estimating the
     * rig's clock when no data arrives (time caps), and the time a silence alert is stamped with.
     */
    public long lastEventMicros = Long.MIN_VALUE;
    /** Wall-clock time the newest record arrived (for silence and for running time caps without samples). */
    public long lastSeenWallMicros = Long.MIN_VALUE;
    /** A TEST_END mark arrived: silence is expected now. */
    public boolean ended;
    /** Wall-clock time (us) of the wake-up the host has scheduled for {@link ChannelEvaluator#time}, or MAX_VALUE. */
    public long scheduledWakeUpMicros = Long.MAX_VALUE;

    // --- rules ---
    public boolean overVoltageActive;
    public VoltageDropState drop = new VoltageDropState();
    public TemperatureReturnState temperature = new TemperatureReturnState();

    // --- data quality episodes (one alert each until cleared) ---
    public boolean invalidValueActive;
    public boolean timeBackwardsActive;
    public boolean silentActive;

    public ChannelState() {
    }

    /** A fresh state for a channel first seen in a record of {@code rigId}, with default parameters. */
    public static ChannelState fresh(final String channelId, final String rigId, final RuleParameters defaults) {
        final ChannelState s = new ChannelState();
        s.channelId = channelId;
        s.rigId = rigId;
        s.parameters = defaults;
        return s;
    }
}
