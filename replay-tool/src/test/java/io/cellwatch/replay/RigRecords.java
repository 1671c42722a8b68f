package io.cellwatch.replay;

import java.util.Arrays;
import java.util.Map;

import org.agrona.ExpandableArrayBuffer;

import io.cellwatch.core.codec.ChannelFlyweight;
import io.cellwatch.core.codec.MarkFlyweight;
import io.cellwatch.core.codec.SamplesFlyweight;
import io.cellwatch.core.model.CellForm;
import io.cellwatch.core.model.ChannelDeclaration;
import io.cellwatch.core.record.TelemetryRecordFlyweight;

/**
 * Samples-topic record values (the gateway's envelope and a rig frame) of one rig with the channel numbers, lots and
 * receive times a test chooses, as the gateway writes them; for {@code record} tests with several rigs whose channel
 * numbers collide.
 */
final class RigRecords {
    private final String rigId;
    private final ExpandableArrayBuffer frame = new ExpandableArrayBuffer(64 * 1024);
    private long sequence = 1;

    RigRecords(final String rigId) {
        this.rigId = rigId;
    }

    /** A CHANNEL declaration of the overcharge protection procedure (limit 4.25 V), serial {@code SN-<lot>-<no>}. */
    byte[] channel(final long receivedAt, final int channelNo, final String channelId, final String lot) {
        final int len = ChannelFlyweight.encode(frame, 0, sequence++, new ChannelDeclaration(channelNo, channelId,
            "SN-" + lot + "-" + channelNo, lot, "pse-app9/overcharge-protection", 1, CellForm.CYLINDRICAL, 3.0,
            Map.of()));
        return wrap(receivedAt, len);
    }

    byte[] mark(final long receivedAt, final int channelNo, final int markType, final long t) {
        return wrap(receivedAt, MarkFlyweight.encode(frame, 0, sequence++, channelNo, markType, t));
    }

    /** Samples at {@code t0}, {@code t0 + 0.1 s}, ... with the given voltages, 1 A, 25 C. */
    byte[] samples(final long receivedAt, final int channelNo, final long t0, final double... volts) {
        final int len = SamplesFlyweight.encodeHeader(frame, 0, sequence++, channelNo, volts.length);
        for (int i = 0; i < volts.length; i++) {
            SamplesFlyweight.putSample(frame, 0, i, t0 + i * 100_000L, (float) volts[i], 1f, 25f, 22f, Float.NaN);
        }
        return wrap(receivedAt, len);
    }

    private byte[] wrap(final long receivedAt, final int frameLength) {
        final int env = TelemetryRecordFlyweight.envelopeLength(rigId);
        final ExpandableArrayBuffer value = new ExpandableArrayBuffer(env + frameLength);
        TelemetryRecordFlyweight.encodeEnvelope(value, 0, rigId, receivedAt);
        value.putBytes(env, frame, 0, frameLength);
        return Arrays.copyOf(value.byteArray(), env + frameLength);
    }
}
