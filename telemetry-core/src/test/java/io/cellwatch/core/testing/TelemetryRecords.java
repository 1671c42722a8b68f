package io.cellwatch.core.testing;

import java.util.Arrays;
import java.util.Map;

import io.cellwatch.core.codec.ChannelFlyweight;
import io.cellwatch.core.codec.MarkFlyweight;
import io.cellwatch.core.codec.SamplesFlyweight;
import io.cellwatch.core.model.CellForm;
import io.cellwatch.core.model.ChannelDeclaration;
import io.cellwatch.core.record.TelemetryRecordFlyweight;
import org.agrona.ExpandableArrayBuffer;

/**
 * Builds samples-topic record values exactly as the gateway writes them (envelope + rig frame), for tests that
 * feed the job without a gateway. One instance per rig: it numbers the frames like a rig does, from 1. Every frame
 * is for channel number 1; the envelope's receive time is the current wall-clock time.
 *
 * <p>Shared through telemetry-core's test jar ({@code <type>test-jar</type>}, test scope).
 */
public final class TelemetryRecords {
    private final String rigId;
    private final ExpandableArrayBuffer frame = new ExpandableArrayBuffer(64 * 1024);
    private long sequence = 1;

    /**
     * Starts a rig's record stream.
     *
     * @param rigId the rig id the envelopes carry
     */
    public TelemetryRecords(final String rigId) {
        this.rigId = rigId;
    }

    /**
     * One CHANNEL frame declaring channel number 1: serial {@code SN-<channelId>}, lot {@code LOT-IT}, procedure
     * version 1, rated capacity 3.0 Ah, no parameter overrides.
     *
     * @param channelId the channel id, e.g. {@code rigA/ch01}
     * @param procedure the procedure id, e.g. {@code pse-app9/overcharge-protection}
     * @param form      the cell form
     * @return the record value
     */
    public byte[] channel(final String channelId, final String procedure, final CellForm form) {
        final int len = ChannelFlyweight.encode(frame, 0, sequence++,
            new ChannelDeclaration(1, channelId, "SN-" + channelId, "LOT-IT", procedure, 1, form, 3.0, Map.of()));
        return wrap(len);
    }

    /**
     * One MARK frame on channel 1.
     *
     * @param markType the mark type, e.g. {@code MarkType.PRESS_START}
     * @param t        the mark's time in microseconds
     * @return the record value
     */
    public byte[] mark(final int markType, final long t) {
        return wrap(MarkFlyweight.encode(frame, 0, sequence++, 1, markType, t));
    }

    /**
     * One SAMPLES frame on channel 1, without force values.
     *
     * @param rows {t, V, I, T_cell, T_ambient} per sample (t in microseconds), with NaN for absent values
     * @return the record value
     */
    public byte[] samples(final double[][] rows) {
        final int len = SamplesFlyweight.encodeHeader(frame, 0, sequence++, 1, rows.length);
        for (int i = 0; i < rows.length; i++) {
            final double[] r = rows[i];
            SamplesFlyweight.putSample(frame, 0, i, (long) r[0], (float) r[1], (float) r[2], (float) r[3],
                (float) r[4], Float.NaN);
        }
        return wrap(len);
    }

    private byte[] wrap(final int frameLength) {
        final int env = TelemetryRecordFlyweight.envelopeLength(rigId);
        final ExpandableArrayBuffer value = new ExpandableArrayBuffer(env + frameLength);
        TelemetryRecordFlyweight.encodeEnvelope(value, 0, rigId, System.currentTimeMillis() * 1000);
        value.putBytes(env, frame, 0, frameLength);
        return Arrays.copyOf(value.byteArray(), env + frameLength);
    }
}
