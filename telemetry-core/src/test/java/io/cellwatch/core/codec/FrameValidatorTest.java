package io.cellwatch.core.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.stream.IntStream;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Header checks, fragmented input and the error code table. */
class FrameValidatorTest {
    private static final int MAX = FrameDescriptor.DEFAULT_MAX_FRAME_LENGTH;

    static List<String> validNames() {
        return GoldenFrames.validNames();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validNames")
    void shouldNeedMoreWhenOnlyAPrefixOfAValidFrameHasArrived(final String name) {
        final byte[] frame = GoldenFrames.load(name);
        for (int available = 0; available < frame.length; available++) {
            // The buffer holds exactly the bytes that arrived, so a validator that reads ahead fails loudly.
            final byte[] prefix = new byte[available];
            System.arraycopy(frame, 0, prefix, 0, available);
            assertEquals(FrameValidator.NEED_MORE, FrameValidator.check(new UnsafeBuffer(prefix), 0, available, MAX),
                name + " with " + available + " of " + frame.length + " bytes");
        }
        assertEquals(frame.length, FrameValidator.check(new UnsafeBuffer(frame), 0, frame.length, MAX), name);
    }

    @Test
    void shouldNeedMoreWhenFewerThanEightBytesHaveArrivedWhateverTheyAre() {
        final DirectBuffer junk = new UnsafeBuffer(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
            (byte) 0xff, (byte) 0xff, (byte) 0xff});
        for (int available = 0; available < FrameDescriptor.HEADER_LENGTH; available++) {
            assertEquals(FrameValidator.NEED_MORE, FrameValidator.checkHeader(junk, 0, available, MAX));
            assertEquals(FrameValidator.NEED_MORE, FrameValidator.check(junk, 0, available, MAX));
        }
    }

    @Test
    void shouldRejectAtTheHeaderWhenTheLengthExceedsTheMaximumBeforeTheBodyArrives() {
        final MutableDirectBuffer header = new UnsafeBuffer(GoldenFrames.load("heartbeat"));
        header.putInt(0, MAX + 1, FrameDescriptor.BYTE_ORDER);
        assertEquals(-ErrorCode.FRAME_TOO_LARGE.code(), FrameValidator.checkHeader(header, 0, 8, MAX));
        assertEquals(-ErrorCode.FRAME_TOO_LARGE.code(), FrameValidator.check(header, 0, 8, MAX));
    }

    @Test
    void shouldAcceptTheHeaderWhenTheLengthEqualsTheMaximum() {
        final MutableDirectBuffer header = new UnsafeBuffer(GoldenFrames.load("heartbeat"));
        header.putInt(0, MAX, FrameDescriptor.BYTE_ORDER);
        assertEquals(MAX, FrameValidator.checkHeader(header, 0, 8, MAX));
        assertEquals(FrameValidator.NEED_MORE, FrameValidator.check(header, 0, 16, MAX));
    }

    @Test
    void shouldRejectAsTooLargeWhenTheLengthHasTheTopBitSet() {
        final MutableDirectBuffer header = new UnsafeBuffer(GoldenFrames.load("heartbeat"));
        header.putInt(0, 0xFFFF_FFFF, FrameDescriptor.BYTE_ORDER); // u32, not -1
        assertEquals(-ErrorCode.FRAME_TOO_LARGE.code(), FrameValidator.check(header, 0, 16, MAX));
        header.putInt(0, 0x8000_0000, FrameDescriptor.BYTE_ORDER);
        assertEquals(-ErrorCode.FRAME_TOO_LARGE.code(), FrameValidator.check(header, 0, 16, MAX));
    }

    @Test
    void shouldHonourASmallerMaximumWhenTheGatewayConfiguresOne() {
        final DirectBuffer samples = new UnsafeBuffer(GoldenFrames.load("samples"));
        assertEquals(120, FrameValidator.check(samples, 0, 120, 120));
        assertEquals(-ErrorCode.FRAME_TOO_LARGE.code(), FrameValidator.check(samples, 0, 120, 119));
    }

    @Test
    void shouldIgnoreTheHeaderFlagsWhenTheyAreSet() {
        final MutableDirectBuffer frame = new UnsafeBuffer(GoldenFrames.load("heartbeat"));
        frame.putShort(FrameDescriptor.FLAGS_OFFSET, (short) 0xFFFF, FrameDescriptor.BYTE_ORDER);
        assertEquals(16, FrameValidator.check(frame, 0, 16, MAX));
    }

    @Test
    void shouldAcceptEveryLayoutVersionAboveZeroWhenTheFrameIsLongEnough() {
        final MutableDirectBuffer frame = new UnsafeBuffer(GoldenFrames.load("mark"));
        for (int version = 1; version <= 255; version++) {
            frame.putByte(FrameDescriptor.VERSION_OFFSET, (byte) version);
            assertEquals(32, FrameValidator.check(frame, 0, 32, MAX), "version " + version);
        }
    }

    @Test
    void shouldAcceptTrailingBytesWhenTheFrameIsNotSamples() {
        for (String name : List.of("hello", "hello-ok", "channel", "mark", "ack", "command", "command-ack",
            "heartbeat", "error")) {
            final byte[] frame = GoldenFrames.load(name);
            final MutableDirectBuffer longer = new UnsafeBuffer(new byte[frame.length + 5]);
            longer.putBytes(0, frame);
            longer.putInt(0, frame.length + 5, FrameDescriptor.BYTE_ORDER);
            assertEquals(frame.length + 5, FrameValidator.check(longer, 0, frame.length + 5, MAX), name);
        }
    }

    @Test
    void shouldRejectAsUnknownFrameTypeWhenCheckBodyIsGivenAnUnknownType() {
        final MutableDirectBuffer frame = new UnsafeBuffer(GoldenFrames.load("heartbeat"));
        frame.putByte(FrameDescriptor.TYPE_OFFSET, (byte) 200);
        assertEquals(ErrorCode.UNKNOWN_FRAME_TYPE, FrameValidator.checkBody(frame, 0, 16));
    }

    @Test
    void shouldKeepEveryErrorCodeStableWhenLookedUpByCode() {
        final String[] names = {"OK", "MALFORMED_FRAME", "FRAME_TOO_LARGE", "UNKNOWN_FRAME_TYPE",
            "UNSUPPORTED_VERSION", "AUTHENTICATION_FAILED", "HELLO_REQUIRED", "UNKNOWN_CHANNEL", "INVALID_VALUE",
            "UNEXPECTED_FRAME", "CHANNEL_CONFLICT", "UNAVAILABLE", "INTERNAL_ERROR", "CHANNEL_NOT_PERMITTED",
            "TOO_MANY_CHANNELS", "TIMESTAMP_IN_FUTURE"};
        for (int code = 0; code < names.length; code++) {
            assertEquals(names[code], ErrorCode.ofCode(code).name(), "code " + code + " is in docs/protocol.md");
            assertEquals(code, ErrorCode.valueOf(names[code]).code());
        }
        assertEquals(names.length, ErrorCode.values().length, "a new code needs a row in docs/protocol.md");
        assertNull(ErrorCode.ofCode(-1));
        assertNull(ErrorCode.ofCode(names.length));
        assertNull(ErrorCode.ofCode(65535));
    }

    @Test
    void shouldKeepEveryFrameTypeIdStableWhenNamed() {
        final String[] names = {"HELLO", "HELLO_OK", "CHANNEL", "SAMPLES", "MARK", "ACK", "COMMAND", "COMMAND_ACK",
            "HEARTBEAT", "ERROR"};
        for (int i = 0; i < names.length; i++) {
            assertEquals(names[i], FrameType.name(i + 1));
        }
        assertEquals(names.length, FrameType.MAX_KNOWN);
        assertEquals("UNKNOWN(0)", FrameType.name(0));
        assertFalse(FrameType.isKnown(0));
        assertFalse(FrameType.isKnown(FrameType.MAX_KNOWN + 1));
        assertEquals(List.of(FrameType.CHANNEL, FrameType.SAMPLES, FrameType.MARK),
            IntStream.rangeClosed(0, 255).filter(FrameType::isSequenced).boxed().toList());
    }
}
