package io.cellwatch.core.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cellwatch.core.codec.ChannelFlyweight;
import io.cellwatch.core.codec.FrameDescriptor;
import io.cellwatch.core.codec.FrameType;
import io.cellwatch.core.codec.FrameValidator;
import io.cellwatch.core.codec.MarkFlyweight;
import io.cellwatch.core.codec.SamplesFlyweight;
import io.cellwatch.core.model.CellForm;
import io.cellwatch.core.model.ChannelDeclaration;
import io.cellwatch.core.model.MarkType;
import io.cellwatch.core.record.TelemetryRecordFlyweight;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class TelemetryRecordsTest {

    private final TelemetryRecords rig = new TelemetryRecords("rigA");

    @Test
    void shouldWriteEnvelopeAndValidFramesNumberedLikeARig() {
        final long before = System.currentTimeMillis() * 1000;
        final UnsafeBuffer channel = record(rig.channel("rigA/ch01", "pse-app9/overcharge-protection",
            CellForm.CYLINDRICAL));
        final UnsafeBuffer mark = record(rig.mark(MarkType.PRESS_START, 1_000_000L));
        final UnsafeBuffer samples = record(rig.samples(new double[][] {
            {2_000_000, 4.2, 1.5, 25, Double.NaN}, {2_100_000, 4.21, 1.5, 25.5, 24}}));

        final TelemetryRecordFlyweight envelope = new TelemetryRecordFlyweight().wrap(channel, 0, channel.capacity());
        assertEquals("rigA", envelope.rigId());
        assertTrue(envelope.receivedAtMicros() >= before, "received now");
        final ChannelFlyweight declared = new ChannelFlyweight();
        declared.wrap(channel, frameOffset(channel));
        assertEquals(FrameType.CHANNEL, declared.type());
        assertEquals(1, declared.sequence());
        final ChannelDeclaration declaration = declared.declaration();
        assertEquals("rigA/ch01", declaration.channelId());
        assertEquals("pse-app9/overcharge-protection", declaration.procedureId());

        final MarkFlyweight marked = new MarkFlyweight();
        marked.wrap(mark, frameOffset(mark));
        assertEquals(2, marked.sequence());
        assertEquals(MarkType.PRESS_START, marked.markType());
        assertEquals(1_000_000L, marked.timestampMicros());

        final SamplesFlyweight sampled = new SamplesFlyweight().wrap(samples, frameOffset(samples));
        assertEquals(3, sampled.sequence());
        assertEquals(1, sampled.channelNo());
        assertEquals(2, sampled.sampleCount());
        assertEquals(2_100_000L, sampled.timestampMicros(1));
        assertEquals(4.21f, sampled.voltage(1));
        assertTrue(Float.isNaN(sampled.ambientTemperature(0)));
        assertEquals(24f, sampled.ambientTemperature(1));
    }

    /** Wraps a record value, checks the envelope and the frame, and returns the buffer. */
    private static UnsafeBuffer record(final byte[] value) {
        final UnsafeBuffer buffer = new UnsafeBuffer(value);
        final TelemetryRecordFlyweight envelope = new TelemetryRecordFlyweight().wrap(buffer, 0, value.length);
        assertNull(envelope.validate());
        assertEquals(envelope.frameLength(), FrameValidator.check(buffer, envelope.frameOffset(),
            envelope.frameLength(), FrameDescriptor.DEFAULT_MAX_FRAME_LENGTH));
        return buffer;
    }

    private static int frameOffset(final UnsafeBuffer buffer) {
        return new TelemetryRecordFlyweight().wrap(buffer, 0, buffer.capacity()).frameOffset();
    }
}
