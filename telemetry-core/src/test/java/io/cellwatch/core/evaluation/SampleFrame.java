package io.cellwatch.core.evaluation;

import org.agrona.ExpandableArrayBuffer;

import io.cellwatch.core.codec.SamplesFlyweight;

/**
 * Test fixture: builds one SAMPLES frame the way a rig encodes it (f32 values, NaN optional values written as
 * absent) and wraps it for {@link ChannelEvaluator#samples}.
 */
public final class SampleFrame {
    /** No value: an absent optional field (cell temperature, ambient, force). */
    public static final float NONE = Float.NaN;

    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(1024);
    private int count;

    /** Adds a sample with voltage and current only. */
    public SampleFrame add(final long timestampMicros, final float voltage, final float current) {
        return add(timestampMicros, voltage, current, NONE, NONE, NONE);
    }

    /** Adds a sample with every field; pass {@link #NONE} for an absent optional field. */
    public SampleFrame add(final long timestampMicros, final float voltage, final float current,
                           final float cellTemperature, final float ambientTemperature, final float force) {
        SamplesFlyweight.putSample(buffer, 0, count++, timestampMicros, voltage, current, cellTemperature,
            ambientTemperature, force);
        return this;
    }

    /** The frame, sequence {@code sequence}, on channel number 1. */
    public SamplesFlyweight build(final long sequence) {
        SamplesFlyweight.encodeHeader(buffer, 0, sequence, 1, count);
        return new SamplesFlyweight().wrap(buffer, 0);
    }

    /** A frame holding one sample. */
    public static SamplesFlyweight one(final long timestampMicros, final float voltage, final float current,
                                       final float cellTemperature, final float ambientTemperature, final float force) {
        return new SampleFrame().add(timestampMicros, voltage, current, cellTemperature, ambientTemperature, force)
            .build(1);
    }
}
