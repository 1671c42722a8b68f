package io.cellwatch.core.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.cellwatch.core.codec.FrameDescriptor;
import io.cellwatch.core.codec.FrameValidator;
import io.cellwatch.core.codec.GoldenFrames;
import io.cellwatch.core.codec.SamplesFlyweight;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class TelemetryRecordFlyweightTest {
    private static final long RECEIVED_AT = 1_767_225_602_150_000L;

    private final TelemetryRecordFlyweight record = new TelemetryRecordFlyweight();

    /** Envelope for {@code rigId} at {@code at} followed by the golden SAMPLES frame; returns the record length. */
    private static int writeRecord(final MutableDirectBuffer buffer, final int at, final String rigId) {
        final byte[] frame = GoldenFrames.load("samples");
        final int envelope = TelemetryRecordFlyweight.encodeEnvelope(buffer, at, rigId, RECEIVED_AT);
        buffer.putBytes(at + envelope, frame);
        return envelope + frame.length;
    }

    @Test
    void shouldRoundTripTheEnvelopeAndFindTheFrameWhenWrittenAtAnOffset() {
        final MutableDirectBuffer buffer = new UnsafeBuffer(new byte[512]);
        final int length = writeRecord(buffer, 5, "press-01");
        assertEquals(TelemetryRecordFlyweight.envelopeLength("press-01") + 120, length);

        record.wrap(buffer, 5, length);
        assertNull(record.validate());
        assertEquals("press-01", record.rigId());
        assertEquals(RECEIVED_AT, record.receivedAtMicros());
        assertEquals(5 + TelemetryRecordFlyweight.envelopeLength("press-01"), record.frameOffset());
        assertEquals(120, record.frameLength());
        assertEquals(120, FrameValidator.check(buffer, record.frameOffset(), record.frameLength(),
            FrameDescriptor.DEFAULT_MAX_FRAME_LENGTH));
        final SamplesFlyweight samples = new SamplesFlyweight().wrap(buffer, record.frameOffset());
        assertEquals(3, samples.sampleCount());
        assertEquals(4.2501f, samples.voltage(2));
    }

    @Test
    void shouldEqualTheGoldenRecordWhenEncodingTheSameValues() {
        final byte[] golden = GoldenFrames.load("records/samples-record");
        final MutableDirectBuffer buffer = new UnsafeBuffer(new byte[golden.length]);
        assertEquals(golden.length, writeRecord(buffer, 0, "press-01"));
        assertArrayEquals(golden, buffer.byteArray());

        record.wrap(new UnsafeBuffer(golden), 0, golden.length);
        assertNull(record.validate());
        assertEquals(26, record.frameOffset());
        assertEquals(RECEIVED_AT, record.receivedAtMicros());
    }

    @Test
    void shouldFindTheFrameWhenANewerEnvelopeHasExtraFields() {
        final byte[] frame = GoldenFrames.load("samples");
        final MutableDirectBuffer buffer = new UnsafeBuffer(new byte[256]);
        final int envelope = TelemetryRecordFlyweight.encodeEnvelope(buffer, 0, "rig", RECEIVED_AT);
        buffer.putByte(TelemetryRecordFlyweight.VERSION_OFFSET, (byte) 2);
        buffer.putLong(envelope, 0x1234_5678L, FrameDescriptor.BYTE_ORDER); // a v2 envelope field
        buffer.putInt(TelemetryRecordFlyweight.FRAME_OFFSET_OFFSET, envelope + 8, FrameDescriptor.BYTE_ORDER);
        buffer.putBytes(envelope + 8, frame);

        record.wrap(buffer, 0, envelope + 8 + frame.length);
        assertNull(record.validate());
        assertEquals("rig", record.rigId());
        assertEquals(envelope + 8, record.frameOffset());
        assertEquals(frame.length, record.frameLength());
    }

    @Test
    void shouldRejectTheEnvelopeWhenItIsShorterThanItsFixedPart() {
        final MutableDirectBuffer buffer = new UnsafeBuffer(new byte[256]);
        writeRecord(buffer, 0, "press-01");
        record.wrap(buffer, 0, TelemetryRecordFlyweight.MIN_LENGTH - 1);
        assertEquals("record shorter than its envelope", record.validate());
    }

    @Test
    void shouldRejectTheEnvelopeWhenTheRecordVersionIsZero() {
        final MutableDirectBuffer buffer = new UnsafeBuffer(new byte[256]);
        final int length = writeRecord(buffer, 0, "press-01");
        buffer.putByte(TelemetryRecordFlyweight.VERSION_OFFSET, (byte) 0);
        record.wrap(buffer, 0, length);
        assertEquals("record version 0", record.validate());
    }

    @Test
    void shouldRejectTheEnvelopeWhenTheRigIdOverrunsTheRecord() {
        final MutableDirectBuffer buffer = new UnsafeBuffer(new byte[256]);
        writeRecord(buffer, 0, "press-01");
        record.wrap(buffer, 0, TelemetryRecordFlyweight.RIG_ID_OFFSET + 5);
        assertEquals("rig id overruns the record", record.validate());
    }

    @Test
    void shouldRejectTheEnvelopeWhenTheFrameOffsetPointsOutsideTheRecordOrIntoTheRigId() {
        final MutableDirectBuffer buffer = new UnsafeBuffer(new byte[256]);
        final int length = writeRecord(buffer, 0, "press-01");
        final int envelope = TelemetryRecordFlyweight.envelopeLength("press-01");
        for (int bad : new int[] {0, TelemetryRecordFlyweight.MIN_LENGTH - 1, TelemetryRecordFlyweight.MIN_LENGTH,
            envelope - 1, length + 1, Integer.MAX_VALUE, -1}) {
            buffer.putInt(TelemetryRecordFlyweight.FRAME_OFFSET_OFFSET, bad, FrameDescriptor.BYTE_ORDER);
            record.wrap(buffer, 0, length);
            assertEquals("frame offset outside the record", record.validate(), "frame offset " + bad);
        }
        buffer.putInt(TelemetryRecordFlyweight.FRAME_OFFSET_OFFSET, envelope, FrameDescriptor.BYTE_ORDER);
        record.wrap(buffer, 0, length);
        assertNull(record.validate());
    }

    @Test
    void shouldLeaveAnEmptyFrameToTheFrameValidatorWhenTheOffsetIsTheRecordEnd() {
        final MutableDirectBuffer buffer = new UnsafeBuffer(new byte[256]);
        final int envelope = TelemetryRecordFlyweight.encodeEnvelope(buffer, 0, "rig", RECEIVED_AT);
        record.wrap(buffer, 0, envelope);
        assertNull(record.validate());
        assertEquals(0, record.frameLength());
        // an incomplete frame in a record is malformed: the whole record is there, nothing more will arrive
        assertEquals(FrameValidator.NEED_MORE, FrameValidator.check(buffer, record.frameOffset(), 0,
            FrameDescriptor.DEFAULT_MAX_FRAME_LENGTH));
    }
}
