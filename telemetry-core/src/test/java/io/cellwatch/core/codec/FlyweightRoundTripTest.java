package io.cellwatch.core.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import io.cellwatch.core.alert.StopAction;
import io.cellwatch.core.model.CellForm;
import io.cellwatch.core.model.ChannelDeclaration;
import io.cellwatch.core.model.MarkType;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** Every flyweight: encode, validate, decode, and get back what was encoded. */
class FlyweightRoundTripTest {
    /** Frames are encoded at an odd offset, so a flyweight that ignores its offset or assumes alignment fails. */
    private static final int AT = 13;
    private static final int MAX = FrameDescriptor.DEFAULT_MAX_FRAME_LENGTH;

    private final MutableDirectBuffer buffer = new UnsafeBuffer(new byte[64 * 1024]);

    /** Validates the frame at {@link #AT} the way a receiver does, asserting it is complete and valid. */
    private int validated(final int encodedLength) {
        final int result = FrameValidator.check(buffer, AT, encodedLength, MAX);
        assertEquals(encodedLength, result, "FrameValidator.check result");
        assertEquals(encodedLength, FrameFlyweight.frameLength(buffer, AT));
        return result;
    }

    @Test
    void shouldRoundTripHelloWhenEncodedAtAnOffset() {
        final int length = HelloFlyweight.encode(buffer, AT, FrameDescriptor.PROTOCOL_VERSION, "press-01", "s3cret");
        validated(length);
        final HelloFlyweight hello = (HelloFlyweight) new HelloFlyweight().wrap(buffer, AT);
        assertEquals(FrameType.HELLO, hello.type());
        assertEquals(FrameDescriptor.LAYOUT_VERSION, hello.version());
        assertEquals(1, hello.protocolVersion());
        assertEquals("press-01", hello.rigId());
        assertEquals("s3cret", hello.token());
    }

    @Test
    void shouldRoundTripHelloWhenStringsAreEmptyOrMultiByte() {
        final String rigId = "\u30ea\u30b0-\u00e9\u20ac\ud83d\udd0b"; // kana, accent, euro sign, a 4-byte emoji
        final int length = HelloFlyweight.encode(buffer, AT, 7, rigId, "");
        validated(length);
        final HelloFlyweight hello = (HelloFlyweight) new HelloFlyweight().wrap(buffer, AT);
        assertEquals(7, hello.protocolVersion());
        assertEquals(rigId, hello.rigId());
        assertEquals("", hello.token());
    }

    @Test
    void shouldRoundTripHelloOkWhenEncoded() {
        validated(HelloOkFlyweight.encode(buffer, AT, 1000, MAX, 1_767_225_600_000_000L));
        final HelloOkFlyweight ok = (HelloOkFlyweight) new HelloOkFlyweight().wrap(buffer, AT);
        assertEquals(FrameType.HELLO_OK, ok.type());
        assertEquals(HelloOkFlyweight.LENGTH, ok.frameLength());
        assertEquals(FrameDescriptor.PROTOCOL_VERSION, ok.protocolVersion());
        assertEquals(1000, ok.heartbeatIntervalMillis());
        assertEquals(MAX, ok.maxFrameLength());
        assertEquals(1_767_225_600_000_000L, ok.gatewayTimeMicros());
    }

    @Test
    void shouldRoundTripChannelWhenItHasOverrides() {
        final Map<String, Double> overrides = new LinkedHashMap<>();
        overrides.put("upperChargeVoltage", 4.35);
        overrides.put("pressForceLimit", 400.0);
        overrides.put("dropMillivolts", 50.0);
        final ChannelDeclaration declared = new ChannelDeclaration(65535, "press-01/ch03", "SN-0042", "LOT-2601",
            "pse-app9/3-10", 65535, CellForm.POUCH, 2.5, overrides);
        validated(ChannelFlyweight.encode(buffer, AT, Long.MAX_VALUE, declared));
        final ChannelFlyweight channel = (ChannelFlyweight) new ChannelFlyweight().wrap(buffer, AT);
        assertEquals(FrameType.CHANNEL, channel.type());
        assertEquals(Long.MAX_VALUE, channel.sequence());
        assertEquals(65535, channel.channelNo());
        assertEquals(CellForm.POUCH.code(), channel.cellFormCode());
        assertEquals(3, channel.overrideCount());
        assertEquals(65535, channel.procedureVersion());
        assertEquals(2.5, channel.ratedCapacityAh());
        assertEquals(declared, channel.declaration());
    }

    @Test
    void shouldRoundTripChannelWhenItHasNoOverridesAndEmptyOptionalStrings() {
        final ChannelDeclaration declared = new ChannelDeclaration(0, "c", "", "", "", 0, CellForm.CYLINDRICAL,
            Double.MIN_VALUE, Map.of());
        validated(ChannelFlyweight.encode(buffer, AT, 0, declared));
        final ChannelFlyweight channel = (ChannelFlyweight) new ChannelFlyweight().wrap(buffer, AT);
        assertEquals(ChannelFlyweight.MIN_LENGTH + 1, channel.frameLength());
        assertEquals(declared, channel.declaration());
    }

    @Test
    void shouldRoundTripChannelWhenItHasTheMaximumNumberOfOverrides() {
        final Map<String, Double> overrides = new LinkedHashMap<>();
        for (int i = 0; i < ChannelFlyweight.MAX_OVERRIDES; i++) {
            overrides.put("p" + i, i * 0.5);
        }
        final ChannelDeclaration declared = new ChannelDeclaration(1, "rig/ch1", "s", "l", "p", 1,
            CellForm.PRISMATIC, 1.0, overrides);
        validated(ChannelFlyweight.encode(buffer, AT, 1, declared));
        assertEquals(declared, ((ChannelFlyweight) new ChannelFlyweight().wrap(buffer, AT)).declaration());
    }

    @Test
    void shouldRefuseToEncodeChannelWhenItHasTooManyOverrides() {
        final Map<String, Double> overrides = new LinkedHashMap<>();
        for (int i = 0; i <= ChannelFlyweight.MAX_OVERRIDES; i++) {
            overrides.put("p" + i, 1.0);
        }
        final ChannelDeclaration declared = new ChannelDeclaration(1, "rig/ch1", "s", "l", "p", 1,
            CellForm.PRISMATIC, 1.0, overrides);
        final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> ChannelFlyweight.encode(buffer, AT, 1, declared));
        assertTrue(e.getMessage().contains("33"), e.getMessage());
    }

    @Test
    void shouldEncodeOverridesInKeyOrderWhenTheMapOrderDiffers() {
        final Map<String, Double> forward = new LinkedHashMap<>();
        forward.put("a", 1.0);
        forward.put("b", 2.0);
        forward.put("c", 3.0);
        final Map<String, Double> backward = new LinkedHashMap<>();
        backward.put("c", 3.0);
        backward.put("b", 2.0);
        backward.put("a", 1.0);
        final byte[] one = encodeChannel(forward);
        final byte[] two = encodeChannel(backward);
        assertArrayEquals(one, two);
        final ChannelFlyweight channel = (ChannelFlyweight) new ChannelFlyweight().wrap(new UnsafeBuffer(one), 0);
        assertEquals("a", firstOverrideKey(channel));
    }

    private static byte[] encodeChannel(final Map<String, Double> overrides) {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[512]);
        final int length = ChannelFlyweight.encode(out, 0, 9, new ChannelDeclaration(2, "rig/ch2", "s", "l", "p",
            1, CellForm.POUCH, 3.0, overrides));
        final byte[] bytes = new byte[length];
        out.getBytes(0, bytes);
        return bytes;
    }

    private static String firstOverrideKey(final ChannelFlyweight channel) {
        int pos = ChannelFlyweight.STRINGS_OFFSET;
        for (int i = 0; i < 4; i++) {
            pos += WireStrings.skip(channel.buffer(), pos);
        }
        return WireStrings.get(channel.buffer(), pos);
    }

    @Test
    void shouldRoundTripSamplesWhenOptionalValuesArePresentOrAbsent() {
        final int length = SamplesFlyweight.encodeHeader(buffer, AT, 42L, 7, 3);
        assertEquals(SamplesFlyweight.frameLength(3), length);
        SamplesFlyweight.putSample(buffer, AT, 0, 1_000L, 4.2f, 1.5f, 25.5f, Float.NaN, Float.NaN);
        SamplesFlyweight.putSample(buffer, AT, 1, 2_000L, 4.2501f, -2.0f, 26.0f, 23.0f, 812.5f);
        SamplesFlyweight.putSample(buffer, AT, 2, -3_000L, Float.NaN, 0f, Float.NaN, Float.NaN, Float.NaN);
        validated(length);

        final SamplesFlyweight samples = new SamplesFlyweight().wrap(buffer, AT);
        assertEquals(FrameType.SAMPLES, samples.type());
        assertEquals(42L, samples.sequence());
        assertEquals(7, samples.channelNo());
        assertEquals(SamplesFlyweight.SAMPLE_LENGTH, samples.sampleLength());
        assertEquals(3, samples.sampleCount());

        assertEquals(1_000L, samples.timestampMicros(0));
        assertEquals(4.2f, samples.voltage(0));
        assertEquals(1.5f, samples.current(0));
        assertEquals(25.5f, samples.cellTemperature(0));
        assertEquals(Float.NaN, samples.ambientTemperature(0));
        assertEquals(Float.NaN, samples.force(0));
        assertEquals(SamplesFlyweight.FLAG_CELL_TEMPERATURE, samples.flags(0));

        assertEquals(2_000L, samples.timestampMicros(1));
        assertEquals(4.2501f, samples.voltage(1));
        assertEquals(-2.0f, samples.current(1));
        assertEquals(26.0f, samples.cellTemperature(1));
        assertEquals(23.0f, samples.ambientTemperature(1));
        assertEquals(812.5f, samples.force(1));
        assertEquals(SamplesFlyweight.FLAG_AMBIENT | SamplesFlyweight.FLAG_FORCE
            | SamplesFlyweight.FLAG_CELL_TEMPERATURE, samples.flags(1));

        assertEquals(-3_000L, samples.timestampMicros(2));
        assertEquals(Float.NaN, samples.voltage(2)); // voltage is not optional: NaN travels as NaN
        assertEquals(0f, samples.current(2));
        assertEquals(Float.NaN, samples.cellTemperature(2));
        assertEquals(0, samples.flags(2));
    }

    @Test
    void shouldRoundTripSamplesWhenTheBatchIsEmpty() {
        validated(SamplesFlyweight.encodeHeader(buffer, AT, 1L, 1, 0));
        assertEquals(0, new SamplesFlyweight().wrap(buffer, AT).sampleCount());
    }

    @Test
    void shouldRefuseSampleIndicesOutsideTheBatchWhenReadUnchecked() {
        final int length = SamplesFlyweight.encodeHeader(buffer, AT, 42L, 7, 2);
        SamplesFlyweight.putSample(buffer, AT, 0, 1_000L, 4.2f, 1.5f, 25.5f, Float.NaN, Float.NaN);
        SamplesFlyweight.putSample(buffer, AT, 1, 2_000L, 4.3f, 1.5f, 25.5f, Float.NaN, Float.NaN);
        validated(length);
        final SamplesFlyweight samples = new SamplesFlyweight().wrap(buffer, AT);
        assertEquals(2, samples.readableSamples());
        assertEquals(4.3f, samples.voltage(1));
        // The buffer holds 64 KiB, so index 2 lies inside it: only the batch's own range may be read.
        assertThrows(IndexOutOfBoundsException.class, () -> samples.voltage(2));
        assertThrows(IndexOutOfBoundsException.class, () -> samples.timestampMicros(-1));
        assertThrows(IndexOutOfBoundsException.class, () -> samples.cellTemperature(2));
    }

    @Test
    void shouldReadOnlyTheSamplesInsideTheBufferWhenTheFrameWasNotValidated() {
        // A header claiming 1,000 samples in a buffer holding two and a half: never read past the buffer.
        final UnsafeBuffer small = new UnsafeBuffer(new byte[SamplesFlyweight.frameLength(2) + 16]);
        SamplesFlyweight.encodeHeader(small, 0, 1L, 1, 2);
        SamplesFlyweight.putSample(small, 0, 1, 7L, 3.9f, 0f, Float.NaN, Float.NaN, Float.NaN);
        small.putInt(SamplesFlyweight.SAMPLE_COUNT_OFFSET, 1_000, FrameDescriptor.BYTE_ORDER);
        final SamplesFlyweight samples = new SamplesFlyweight().wrap(small, 0);
        assertEquals(1_000, samples.sampleCount());
        assertEquals(2, samples.readableSamples());
        assertEquals(3.9f, samples.voltage(1));
        assertThrows(IndexOutOfBoundsException.class, () -> samples.voltage(2));

        // A sample length below v1 would put fields outside the sample: nothing is readable.
        small.putShort(SamplesFlyweight.SAMPLE_LENGTH_OFFSET, (short) 8, FrameDescriptor.BYTE_ORDER);
        assertEquals(0, samples.wrap(small, 0).readableSamples());
        assertThrows(IndexOutOfBoundsException.class, () -> samples.flags(0));
    }

    @Test
    void shouldRefuseToReadWhenTheBufferShrankAfterWrap() {
        final UnsafeBuffer view = new UnsafeBuffer(new byte[SamplesFlyweight.frameLength(4)]);
        SamplesFlyweight.encodeHeader(view, 0, 1L, 1, 4);
        final SamplesFlyweight samples = new SamplesFlyweight().wrap(view, 0);
        assertEquals(0f, samples.voltage(3));
        final byte[] smaller = new byte[SamplesFlyweight.frameLength(1)];
        SamplesFlyweight.encodeHeader(new UnsafeBuffer(smaller), 0, 1L, 1, 1);
        view.wrap(smaller);
        assertThrows(IllegalStateException.class, () -> samples.voltage(0));
        assertEquals(1, samples.wrap(view, 0).readableSamples());
    }

    @Test
    void shouldReadTheSameValuesWhenTheFlagsWordIsPassedIn() {
        final int length = SamplesFlyweight.encodeHeader(buffer, AT, 1L, 1, 2);
        SamplesFlyweight.putSample(buffer, AT, 0, 1L, 4f, 1f, 25.25f, 21.5f, Float.NaN);
        SamplesFlyweight.putSample(buffer, AT, 1, 2L, 4f, 1f, Float.NaN, Float.NaN, 300f);
        validated(length);
        final SamplesFlyweight samples = new SamplesFlyweight().wrap(buffer, AT);
        for (int i = 0; i < 2; i++) {
            final int flags = samples.flags(i);
            assertEquals(samples.cellTemperature(i), samples.cellTemperature(i, flags));
            assertEquals(samples.ambientTemperature(i), samples.ambientTemperature(i, flags));
            assertEquals(samples.force(i), samples.force(i, flags));
        }
        assertEquals(21.5f, samples.ambientTemperature(0, samples.flags(0)));
        assertEquals(Float.NaN, samples.force(0, samples.flags(0)));
        assertEquals(300f, samples.force(1, samples.flags(1)));
    }

    @Test
    void shouldWriteASampleAsLittleEndianFieldsAndNothingAroundIt() {
        // Off-heap and on-heap buffers, at an odd offset: the bytes are the layout of the class comment, written
        // here independently with a little-endian ByteBuffer; the bytes around the sample stay untouched.
        final float nanWithPayload = Float.intBitsToFloat(0x7fc0_1234);
        for (MutableDirectBuffer target : new MutableDirectBuffer[] {
            new UnsafeBuffer(new byte[256]), new UnsafeBuffer(ByteBuffer.allocateDirect(256))}) {
            target.setMemory(0, 256, (byte) 0x5A);
            SamplesFlyweight.putSample(target, AT, 2, -3_000_123L, nanWithPayload, -2.5f, 26.75f, Float.NaN, 812.5f);
            final ByteBuffer expected = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
            Arrays.fill(expected.array(), (byte) 0x5A);
            final int base = AT + SamplesFlyweight.SAMPLES_OFFSET + 2 * SamplesFlyweight.SAMPLE_LENGTH;
            expected.putLong(base, -3_000_123L).putInt(base + 8, 0x7fc0_1234).putFloat(base + 12, -2.5f)
                .putFloat(base + 16, 26.75f).putFloat(base + 20, 0f).putFloat(base + 24, 812.5f)
                .putInt(base + 28, SamplesFlyweight.FLAG_CELL_TEMPERATURE | SamplesFlyweight.FLAG_FORCE);
            final byte[] actual = new byte[256];
            target.getBytes(0, actual);
            assertArrayEquals(expected.array(), actual);
        }
    }

    @Test
    void shouldRefuseASampleOutsideAFixedBufferAndWriteNothing() {
        final UnsafeBuffer small = new UnsafeBuffer(new byte[SamplesFlyweight.frameLength(2) + 31]);
        assertThrows(IndexOutOfBoundsException.class,
            () -> SamplesFlyweight.putSample(small, 0, 2, 7L, 3.9f, 0f, 25f, 22f, 1f));
        assertThrows(IndexOutOfBoundsException.class,
            () -> SamplesFlyweight.putSample(small, 0, -1, 7L, 3.9f, 0f, 25f, 22f, 1f));
        assertThrows(IndexOutOfBoundsException.class,
            () -> SamplesFlyweight.putSample(small, Integer.MAX_VALUE - 8, 0, 7L, 3.9f, 0f, 25f, 22f, 1f));
        assertArrayEquals(new byte[small.capacity()], small.byteArray(), "a refused sample wrote some of its bytes");
        SamplesFlyweight.putSample(small, 0, 1, 7L, 3.9f, 0f, 25f, 22f, 1f); // the last whole sample still fits
    }

    @Test
    void shouldGrowAnExpandableBufferToHoldTheSample() {
        final ExpandableArrayBuffer growing = new ExpandableArrayBuffer(16);
        final int length = SamplesFlyweight.encodeHeader(growing, 0, 5L, 2, 3);
        for (int i = 0; i < 3; i++) {
            SamplesFlyweight.putSample(growing, 0, i, 100L + i, 4f + i, 1f, 25f, Float.NaN, Float.NaN);
        }
        assertTrue(growing.capacity() >= length);
        assertEquals(length, FrameValidator.check(growing, 0, length, MAX));
        final SamplesFlyweight samples = new SamplesFlyweight().wrap(growing, 0);
        assertEquals(102L, samples.timestampMicros(2));
        assertEquals(6f, samples.voltage(2));
        assertEquals(25f, samples.cellTemperature(2));
    }

    @Test
    void shouldFitMaxSamplesInTheDefaultMaximumFrameWhenEncoded() {
        final MutableDirectBuffer big = new UnsafeBuffer(new byte[MAX]);
        final int count = SamplesFlyweight.MAX_SAMPLES_DEFAULT;
        final int length = SamplesFlyweight.encodeHeader(big, 0, 1L, 1, count);
        for (int i = 0; i < count; i++) {
            SamplesFlyweight.putSample(big, 0, i, i, i, 0f, Float.NaN, Float.NaN, Float.NaN);
        }
        assertTrue(length <= MAX);
        assertTrue(SamplesFlyweight.frameLength(count + 1) > MAX);
        assertEquals(length, FrameValidator.check(big, 0, length, MAX));
        final SamplesFlyweight samples = new SamplesFlyweight().wrap(big, 0);
        assertEquals(count - 1, samples.timestampMicros(count - 1));
        assertEquals(count - 1, samples.voltage(count - 1));
    }

    @Test
    void shouldRoundTripMarkWhenEncoded() {
        validated(MarkFlyweight.encode(buffer, AT, 99L, 3, MarkType.SHORT_APPLIED, 1_767_225_601_250_000L));
        final MarkFlyweight mark = (MarkFlyweight) new MarkFlyweight().wrap(buffer, AT);
        assertEquals(FrameType.MARK, mark.type());
        assertEquals(MarkFlyweight.LENGTH, mark.frameLength());
        assertEquals(99L, mark.sequence());
        assertEquals(3, mark.channelNo());
        assertEquals(MarkType.SHORT_APPLIED, mark.markType());
        assertEquals(1_767_225_601_250_000L, mark.timestampMicros());
    }

    @Test
    void shouldRoundTripMarkWhenTheMarkTypeIsUnknown() {
        validated(MarkFlyweight.encode(buffer, AT, 1L, 0, 65535, 0L));
        assertEquals(65535, ((MarkFlyweight) new MarkFlyweight().wrap(buffer, AT)).markType());
        assertEquals("MARK_65535", MarkType.name(65535));
    }

    @Test
    void shouldRoundTripAckWhenTheSequenceUsesAllSixtyFourBits() {
        validated(AckFlyweight.encode(buffer, AT, -1L)); // u64 max on the wire
        final AckFlyweight ack = (AckFlyweight) new AckFlyweight().wrap(buffer, AT);
        assertEquals(FrameType.ACK, ack.type());
        assertEquals(-1L, ack.sequence());
        assertEquals("18446744073709551615", Long.toUnsignedString(ack.sequence()));
    }

    @Test
    void shouldRoundTripCommandWhenEncodedForEveryAction() {
        for (StopAction action : StopAction.values()) {
            final int length = CommandFlyweight.encode(buffer, AT, 3, action, 1_767_225_601_200_000L,
                "92d2bbdd-ef91-360f-be66-7638671c1e35", "press-01/ch03", "upper-charge-voltage", "4.2501 V > 4.25 V");
            validated(length);
            final CommandFlyweight command = (CommandFlyweight) new CommandFlyweight().wrap(buffer, AT);
            assertEquals(FrameType.COMMAND, command.type());
            assertEquals(3, command.channelNo());
            assertEquals(action.code(), command.actionCode());
            assertEquals(action, command.action());
            assertEquals(1_767_225_601_200_000L, command.sampleTimeMicros());
            assertEquals("92d2bbdd-ef91-360f-be66-7638671c1e35", command.alertId());
            assertEquals("press-01/ch03", command.channelId());
            assertEquals("upper-charge-voltage", command.rule());
            assertEquals("4.2501 V > 4.25 V", command.reason());
        }
    }

    @Test
    void shouldRoundTripCommandAckWhenEncoded() {
        validated(CommandAckFlyweight.encode(buffer, AT, "92d2bbdd-ef91-360f-be66-7638671c1e35"));
        final CommandAckFlyweight ack = (CommandAckFlyweight) new CommandAckFlyweight().wrap(buffer, AT);
        assertEquals(FrameType.COMMAND_ACK, ack.type());
        assertEquals("92d2bbdd-ef91-360f-be66-7638671c1e35", ack.alertId());
    }

    @Test
    void shouldRoundTripHeartbeatWhenTheTimeIsNegative() {
        validated(HeartbeatFlyweight.encode(buffer, AT, -5L));
        final HeartbeatFlyweight heartbeat = (HeartbeatFlyweight) new HeartbeatFlyweight().wrap(buffer, AT);
        assertEquals(FrameType.HEARTBEAT, heartbeat.type());
        assertEquals(HeartbeatFlyweight.LENGTH, heartbeat.frameLength());
        assertEquals(-5L, heartbeat.senderTimeMicros());
    }

    @Test
    void shouldRoundTripErrorWhenEncodedForEveryCode() {
        for (ErrorCode code : ErrorCode.values()) {
            validated(ErrorFlyweight.encode(buffer, AT, code, code.description()));
            final ErrorFlyweight error = (ErrorFlyweight) new ErrorFlyweight().wrap(buffer, AT);
            assertEquals(FrameType.ERROR, error.type());
            assertEquals(code.code(), error.code());
            assertEquals(code, error.errorCode());
            assertEquals(code.description(), error.message());
        }
    }

    @Test
    void shouldCutTheErrorMessageWhenItIsLongerThanTheLimit() {
        final String text = "x".repeat(ErrorFlyweight.MAX_MESSAGE_CHARS + 50);
        validated(ErrorFlyweight.encode(buffer, AT, ErrorCode.MALFORMED_FRAME, text));
        final ErrorFlyweight error = (ErrorFlyweight) new ErrorFlyweight().wrap(buffer, AT);
        assertEquals(text.substring(0, ErrorFlyweight.MAX_MESSAGE_CHARS), error.message());
    }

    @Test
    void shouldReturnNullErrorCodeWhenThePeerSendsACodeThisVersionDoesNotKnow() {
        final int length = ErrorFlyweight.encode(buffer, AT, ErrorCode.INTERNAL_ERROR, "later");
        buffer.putShort(AT + ErrorFlyweight.CODE_OFFSET, (short) 999, FrameDescriptor.BYTE_ORDER);
        validated(length);
        final ErrorFlyweight error = (ErrorFlyweight) new ErrorFlyweight().wrap(buffer, AT);
        assertEquals(999, error.code());
        assertEquals(null, error.errorCode());
    }

    @Test
    void shouldReadEveryFieldWhenFramesFollowEachOtherInOneBuffer() {
        int pos = AT;
        pos += HelloFlyweight.encode(buffer, pos, 1, "rig", "t");
        pos += HeartbeatFlyweight.encode(buffer, pos, 5L);
        final int samplesAt = pos;
        pos += SamplesFlyweight.encodeHeader(buffer, pos, 2L, 1, 1);
        SamplesFlyweight.putSample(buffer, samplesAt, 0, 1L, 4f, 1f, Float.NaN, Float.NaN, Float.NaN);
        pos += AckFlyweight.encode(buffer, pos, 2L);
        final int end = pos;

        final int[] types = new int[4];
        int frames = 0;
        for (int at = AT; at < end; frames++) {
            final int length = FrameValidator.check(buffer, at, end - at, MAX);
            assertTrue(length > 0, "frame " + frames + " result " + length);
            types[frames] = FrameFlyweight.frameType(buffer, at);
            at += length;
        }
        assertArrayEquals(new int[] {FrameType.HELLO, FrameType.HEARTBEAT, FrameType.SAMPLES, FrameType.ACK}, types);
    }
}
