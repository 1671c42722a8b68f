package io.cellwatch.core.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cellwatch.core.alert.AlertIds;
import io.cellwatch.core.alert.StopAction;
import io.cellwatch.core.model.CellForm;
import io.cellwatch.core.model.ChannelDeclaration;
import io.cellwatch.core.model.MarkType;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hand-written golden frames against the codec: valid frames validate, decode to the values their comments
 * document and equal the encoder's output; reject frames give exactly the error code their first line names.
 */
class GoldenFrameTest {
    private static final int MAX = FrameDescriptor.DEFAULT_MAX_FRAME_LENGTH;
    private static final long RIG_START = 1_767_225_600_000_000L; // 2026-01-01T00:00:00Z in us
    private static final String ALERT_ID = "92d2bbdd-ef91-360f-be66-7638671c1e35";

    static List<String> validNames() {
        return GoldenFrames.validNames();
    }

    static List<String> rejectNames() {
        return GoldenFrames.rejectNames();
    }

    private static DirectBuffer golden(final String name) {
        return new UnsafeBuffer(GoldenFrames.load(name));
    }

    /** Encodes with {@code encoder} into a fresh buffer and returns exactly the bytes written. */
    private static byte[] encoded(final Encoder encoder) {
        final MutableDirectBuffer out = new UnsafeBuffer(new byte[4096]);
        final int length = encoder.encode(out);
        final byte[] bytes = new byte[length];
        out.getBytes(0, bytes);
        return bytes;
    }

    @FunctionalInterface
    private interface Encoder {
        int encode(MutableDirectBuffer out);
    }

    @Test
    void shouldHaveOneValidFileWhenListingEveryMessageType() {
        final List<String> names = GoldenFrames.validNames();
        for (String name : List.of("hello", "hello-ok", "channel", "samples", "mark", "ack", "command",
            "command-ack", "heartbeat", "error")) {
            assertTrue(names.contains(name), "missing golden frame " + name + " in " + names);
        }
        for (int type = FrameType.HELLO; type <= FrameType.MAX_KNOWN; type++) {
            final String typeName = FrameType.name(type);
            assertTrue(names.stream().anyMatch(n -> GoldenFrames.validType(n).equals(typeName)), typeName);
        }
    }

    @Test
    void shouldNameEveryRejectFileForItsReasonWhenListed() {
        final List<String> names = GoldenFrames.rejectNames();
        assertTrue(names.size() >= 12, names.toString());
        for (String name : names) {
            assertTrue(name.matches("reject-[a-z0-9]+(-[a-z0-9]+)*"), name);
            assertNotEquals(ErrorCode.OK, GoldenFrames.expectedError(name), name);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validNames")
    void shouldValidateWhenTheGoldenFrameIsValid(final String name) {
        final DirectBuffer frame = golden(name);
        assertEquals(frame.capacity(), FrameValidator.check(frame, 0, frame.capacity(), MAX), name);
        assertEquals(GoldenFrames.validType(name), FrameType.name(FrameFlyweight.frameType(frame, 0)), name);
        new FrameReads().readEveryField(frame, 0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejectNames")
    void shouldGiveTheExpectedErrorCodeWhenTheGoldenFrameIsRejected(final String name) {
        final DirectBuffer frame = golden(name);
        final ErrorCode expected = GoldenFrames.expectedError(name);
        assertEquals(-expected.code(), FrameValidator.check(frame, 0, frame.capacity(), MAX),
            name + " must give " + expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"validNames", "rejectNames"})
    void shouldGiveTheSameResultWhenTheFrameSitsInsideALargerBuffer(final String name) {
        final byte[] bytes = GoldenFrames.load(name);
        final DirectBuffer alone = new UnsafeBuffer(bytes);
        final int expected = FrameValidator.check(alone, 0, bytes.length, MAX);
        final MutableDirectBuffer stream = new UnsafeBuffer(new byte[bytes.length + 64]);
        stream.setMemory(0, stream.capacity(), (byte) 0x5A);
        stream.putBytes(7, bytes);
        assertEquals(expected, FrameValidator.check(stream, 7, stream.capacity() - 7, MAX), name);
    }

    @Test
    void shouldDecodeTheDocumentedValuesWhenReadingHello() {
        final HelloFlyweight hello = (HelloFlyweight) new HelloFlyweight().wrap(golden("hello"), 0);
        assertEquals(28, hello.frameLength());
        assertEquals(FrameType.HELLO, hello.type());
        assertEquals(1, hello.version());
        assertEquals(1, hello.protocolVersion());
        assertEquals("press-01", hello.rigId());
        assertEquals("s3cret", hello.token());
        assertArrayEquals(GoldenFrames.load("hello"),
            encoded(out -> HelloFlyweight.encode(out, 0, 1, "press-01", "s3cret")));
    }

    @Test
    void shouldDecodeTheDocumentedValuesWhenReadingHelloOk() {
        final HelloOkFlyweight ok = (HelloOkFlyweight) new HelloOkFlyweight().wrap(golden("hello-ok"), 0);
        assertEquals(28, ok.frameLength());
        assertEquals(1, ok.protocolVersion());
        assertEquals(1000, ok.heartbeatIntervalMillis());
        assertEquals(1 << 20, ok.maxFrameLength());
        assertEquals(RIG_START, ok.gatewayTimeMicros());
        assertArrayEquals(GoldenFrames.load("hello-ok"),
            encoded(out -> HelloOkFlyweight.encode(out, 0, 1000, 1 << 20, RIG_START)));
    }

    @Test
    void shouldDecodeTheDocumentedValuesWhenReadingChannel() {
        final ChannelFlyweight channel = (ChannelFlyweight) new ChannelFlyweight().wrap(golden("channel"), 0);
        assertEquals(134, channel.frameLength());
        assertEquals(RIG_START, channel.sequence());
        assertEquals(3, channel.channelNo());
        assertEquals(CellForm.PRISMATIC.code(), channel.cellFormCode());
        assertEquals(2, channel.overrideCount());
        assertEquals(3, channel.procedureVersion());
        assertEquals(2.5, channel.ratedCapacityAh());
        final Map<String, Double> overrides = new LinkedHashMap<>();
        overrides.put("pressForceLimit", 400.0);
        overrides.put("upperChargeVoltage", 4.35);
        final ChannelDeclaration expected = new ChannelDeclaration(3, "press-01/ch03", "SN-0042", "LOT-2601",
            "pse-app9/3-10", 3, CellForm.PRISMATIC, 2.5, overrides);
        assertEquals(expected, channel.declaration());
        // Map.of iterates in an order that changes between JVM runs; the encoder must not depend on it.
        final ChannelDeclaration fromMapOf = new ChannelDeclaration(3, "press-01/ch03", "SN-0042", "LOT-2601",
            "pse-app9/3-10", 3, CellForm.PRISMATIC, 2.5, Map.of("upperChargeVoltage", 4.35, "pressForceLimit", 400.0));
        assertArrayEquals(GoldenFrames.load("channel"),
            encoded(out -> ChannelFlyweight.encode(out, 0, RIG_START, fromMapOf)));
    }

    @Test
    void shouldDecodeTheDocumentedValuesWhenReadingSamples() {
        final SamplesFlyweight samples = new SamplesFlyweight().wrap(golden("samples"), 0);
        assertEquals(120, samples.frameLength());
        assertEquals(RIG_START + 1, samples.sequence());
        assertEquals(3, samples.channelNo());
        assertEquals(32, samples.sampleLength());
        assertEquals(3, samples.sampleCount());

        assertEquals(RIG_START + 1_000_000, samples.timestampMicros(0));
        assertEquals(4.125f, samples.voltage(0));
        assertEquals(1.5f, samples.current(0));
        assertEquals(25.5f, samples.cellTemperature(0));
        assertEquals(Float.NaN, samples.ambientTemperature(0));
        assertEquals(Float.NaN, samples.force(0));
        assertEquals(0b100, samples.flags(0));

        assertEquals(RIG_START + 1_100_000, samples.timestampMicros(1));
        assertEquals(4.2f, samples.voltage(1));
        assertEquals(1.5f, samples.current(1));
        assertEquals(26.75f, samples.cellTemperature(1));
        assertEquals(23.0f, samples.ambientTemperature(1));
        assertEquals(812.5f, samples.force(1));
        assertEquals(0b111, samples.flags(1));

        assertEquals(RIG_START + 1_200_000, samples.timestampMicros(2));
        assertEquals(4.2501f, samples.voltage(2));
        assertEquals(-2.0f, samples.current(2));
        assertEquals(Float.NaN, samples.cellTemperature(2));
        assertEquals(Float.NaN, samples.ambientTemperature(2));
        assertEquals(Float.NaN, samples.force(2));
        assertEquals(0, samples.flags(2));

        assertArrayEquals(GoldenFrames.load("samples"), encoded(out -> {
            final int length = SamplesFlyweight.encodeHeader(out, 0, RIG_START + 1, 3, 3);
            SamplesFlyweight.putSample(out, 0, 0, RIG_START + 1_000_000, 4.125f, 1.5f, 25.5f, Float.NaN, Float.NaN);
            SamplesFlyweight.putSample(out, 0, 1, RIG_START + 1_100_000, 4.2f, 1.5f, 26.75f, 23.0f, 812.5f);
            SamplesFlyweight.putSample(out, 0, 2, RIG_START + 1_200_000, 4.2501f, -2.0f, Float.NaN, Float.NaN,
                Float.NaN);
            return length;
        }));
    }

    @Test
    void shouldDecodeTheDocumentedValuesWhenReadingMark() {
        final MarkFlyweight mark = (MarkFlyweight) new MarkFlyweight().wrap(golden("mark"), 0);
        assertEquals(32, mark.frameLength());
        assertEquals(RIG_START + 2, mark.sequence());
        assertEquals(3, mark.channelNo());
        assertEquals(MarkType.PRESS_START, mark.markType());
        assertEquals(RIG_START + 1_250_000, mark.timestampMicros());
        assertArrayEquals(GoldenFrames.load("mark"),
            encoded(out -> MarkFlyweight.encode(out, 0, RIG_START + 2, 3, MarkType.PRESS_START, RIG_START + 1_250_000)));
    }

    @Test
    void shouldDecodeTheDocumentedValuesWhenReadingAck() {
        final AckFlyweight ack = (AckFlyweight) new AckFlyweight().wrap(golden("ack"), 0);
        assertEquals(16, ack.frameLength());
        assertEquals(RIG_START + 2, ack.sequence());
        assertArrayEquals(GoldenFrames.load("ack"), encoded(out -> AckFlyweight.encode(out, 0, RIG_START + 2)));
    }

    @Test
    void shouldDecodeTheDocumentedValuesWhenReadingCommand() {
        final CommandFlyweight command = (CommandFlyweight) new CommandFlyweight().wrap(golden("command"), 0);
        assertEquals(118, command.frameLength());
        assertEquals(3, command.channelNo());
        assertEquals(StopAction.STOP, command.action());
        assertEquals(RIG_START + 1_200_000, command.sampleTimeMicros());
        assertEquals(ALERT_ID, command.alertId());
        assertEquals("press-01/ch03", command.channelId());
        assertEquals("upper-charge-voltage", command.rule());
        assertEquals("4.2501 V > 4.25 V", command.reason());
        // The golden alert id is the real deterministic id of that channel, rule and sample time.
        assertEquals(ALERT_ID, AlertIds.of("press-01/ch03", "upper-charge-voltage", RIG_START + 1_200_000));
        assertArrayEquals(GoldenFrames.load("command"), encoded(out -> CommandFlyweight.encode(out, 0, 3,
            StopAction.STOP, RIG_START + 1_200_000, ALERT_ID, "press-01/ch03", "upper-charge-voltage",
            "4.2501 V > 4.25 V")));
    }

    @Test
    void shouldDecodeTheDocumentedValuesWhenReadingCommandAck() {
        final CommandAckFlyweight ack = (CommandAckFlyweight) new CommandAckFlyweight().wrap(golden("command-ack"), 0);
        assertEquals(46, ack.frameLength());
        assertEquals(ALERT_ID, ack.alertId());
        assertArrayEquals(GoldenFrames.load("command-ack"), encoded(out -> CommandAckFlyweight.encode(out, 0, ALERT_ID)));
    }

    @Test
    void shouldDecodeTheDocumentedValuesWhenReadingHeartbeat() {
        final HeartbeatFlyweight heartbeat = (HeartbeatFlyweight) new HeartbeatFlyweight().wrap(golden("heartbeat"), 0);
        assertEquals(16, heartbeat.frameLength());
        assertEquals(RIG_START + 5_000_000, heartbeat.senderTimeMicros());
        assertArrayEquals(GoldenFrames.load("heartbeat"),
            encoded(out -> HeartbeatFlyweight.encode(out, 0, RIG_START + 5_000_000)));
    }

    @Test
    void shouldDecodeTheDocumentedValuesWhenReadingError() {
        final ErrorFlyweight error = (ErrorFlyweight) new ErrorFlyweight().wrap(golden("error"), 0);
        assertEquals(39, error.frameLength());
        assertEquals(ErrorCode.AUTHENTICATION_FAILED, error.errorCode());
        assertEquals("unknown rig id or bad token", error.message());
        assertArrayEquals(GoldenFrames.load("error"), encoded(out -> ErrorFlyweight.encode(out, 0,
            ErrorCode.AUTHENTICATION_FAILED, "unknown rig id or bad token")));
    }

    @Test
    void shouldReadTheKnownFieldsWhenAHeartbeatHasANewerLayout() {
        final HeartbeatFlyweight heartbeat = (HeartbeatFlyweight) new HeartbeatFlyweight()
            .wrap(golden("compat-heartbeat-v2-extra-field"), 0);
        assertEquals(2, heartbeat.version());
        assertEquals(24, heartbeat.frameLength());
        assertEquals(RIG_START + 5_000_000, heartbeat.senderTimeMicros());
    }

    @Test
    void shouldReadTheV1DeclarationWhenAChannelHasANewerLayoutWithAFieldAppended() {
        final ChannelFlyweight v1 = (ChannelFlyweight) new ChannelFlyweight().wrap(golden("channel"), 0);
        final ChannelFlyweight v2 = (ChannelFlyweight) new ChannelFlyweight()
            .wrap(golden("compat-channel-v2-extra-field"), 0);
        assertEquals(2, v2.version());
        assertEquals(v1.frameLength() + 8, v2.frameLength());
        assertEquals(v1.sequence(), v2.sequence());
        assertEquals(v1.declaration(), v2.declaration(), "the appended field changes nothing a v1 reader sees");
    }

    @Test
    void shouldStepBySampleLengthWhenSamplesAreLongerThanV1() {
        final SamplesFlyweight samples = new SamplesFlyweight().wrap(golden("compat-samples-40-byte-sample"), 0);
        assertEquals(2, samples.version());
        assertEquals(40, samples.sampleLength());
        assertEquals(2, samples.sampleCount());
        assertEquals(RIG_START + 1_000_000, samples.timestampMicros(0));
        assertEquals(4.125f, samples.voltage(0));
        assertEquals(25.5f, samples.cellTemperature(0));
        assertEquals(Float.NaN, samples.ambientTemperature(0));
        assertEquals(RIG_START + 1_100_000, samples.timestampMicros(1));
        assertEquals(4.0625f, samples.voltage(1));
        assertEquals(0.25f, samples.current(1));
        assertEquals(26.75f, samples.cellTemperature(1));
        assertEquals(23.0f, samples.ambientTemperature(1));
        assertEquals(Float.NaN, samples.force(1));
        assertEquals(0b101, samples.flags(1));
    }

    @Test
    void shouldParseHexWhenCommentsAndBlankLinesSurroundTheBytes() {
        assertArrayEquals(new byte[] {0x1c, 0, (byte) 0xff, 0x0a},
            GoldenFrames.parseHex("# header\n\n1c 00 # a comment with hex ff ff\n  FF\t0a\n# end"));
        assertArrayEquals(new byte[] {0x12, 0x34}, GoldenFrames.parseHex("1234"));
    }

    @Test
    void shouldRejectHexWhenADigitIsMissingOrNotHex() {
        assertThrows(IllegalArgumentException.class, () -> GoldenFrames.parseHex("1c 0"));
        assertThrows(IllegalArgumentException.class, () -> GoldenFrames.parseHex("1 c"));
        assertThrows(IllegalArgumentException.class, () -> GoldenFrames.parseHex("1c 0g"));
        assertThrows(IllegalArgumentException.class, () -> GoldenFrames.parseHex("1c 0# odd"));
    }

    @Test
    void shouldLoadTheSameBytesWhenTheNameHasTheSuffix() {
        assertArrayEquals(GoldenFrames.load("hello"), GoldenFrames.load("hello.hex"));
        assertThrows(IllegalArgumentException.class, () -> GoldenFrames.load("no-such-frame"));
    }
}
