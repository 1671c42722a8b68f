package io.cellwatch.gateway.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;

import io.cellwatch.core.codec.ErrorCode;
import io.cellwatch.core.codec.ErrorFlyweight;
import io.cellwatch.core.codec.FrameDescriptor;
import io.cellwatch.core.codec.FrameType;
import io.cellwatch.core.codec.GoldenFrames;
import io.cellwatch.gateway.metrics.GatewayMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RigFrameDecoderTest {
    private final GatewayMetrics metrics = new GatewayMetrics();

    private EmbeddedChannel channel() {
        return new EmbeddedChannel(new RigFrameDecoder(FrameDescriptor.DEFAULT_MAX_FRAME_LENGTH, metrics));
    }

    @Test
    void shouldEmitTheWholeFrameWhenItArrivesOneByteAtATime() {
        final byte[] samples = GoldenFrames.load("samples");
        final EmbeddedChannel ch = channel();
        for (int i = 0; i < samples.length - 1; i++) {
            ch.writeInbound(Unpooled.wrappedBuffer(samples, i, 1));
            assertNull(ch.readInbound(), "no frame before its last byte (byte " + i + ")");
        }
        ch.writeInbound(Unpooled.wrappedBuffer(samples, samples.length - 1, 1));
        final ByteBuf frame = ch.readInbound();
        assertArrayEquals(samples, ByteBufUtil.getBytes(frame));
        frame.release();
        assertFalse(ch.finish());
        assertEquals(1, metrics.framesIn.sum());
    }

    @Test
    void shouldEmitEveryFrameWhenSeveralArriveInOneBuffer() {
        final byte[] hello = GoldenFrames.load("hello");
        final byte[] channelFrame = GoldenFrames.load("channel");
        final byte[] samples = GoldenFrames.load("samples");
        final EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(hello, channelFrame, samples));
        for (byte[] expected : new byte[][] {hello, channelFrame, samples}) {
            final ByteBuf frame = ch.readInbound();
            assertArrayEquals(expected, ByteBufUtil.getBytes(frame));
            frame.release();
        }
        assertNull(ch.readInbound());
        ch.finishAndReleaseAll();
    }

    @Test
    void shouldKeepAPartialFrameBackUntilItsLastByteArrives() {
        final byte[] hello = GoldenFrames.load("hello");
        final byte[] samples = GoldenFrames.load("samples");
        final EmbeddedChannel ch = channel();
        final byte[] helloAndHalf = concat(hello, Arrays.copyOf(samples, samples.length / 2));
        ch.writeInbound(Unpooled.copiedBuffer(helloAndHalf));
        final ByteBuf first = ch.readInbound();
        assertArrayEquals(hello, ByteBufUtil.getBytes(first), "only the whole frame goes on");
        first.release();
        assertNull(ch.readInbound());
        ch.writeInbound(Unpooled.copiedBuffer(samples, samples.length / 2, samples.length - samples.length / 2));
        final ByteBuf second = ch.readInbound();
        assertArrayEquals(samples, ByteBufUtil.getBytes(second));
        second.release();
        ch.finishAndReleaseAll();
    }

    @Test
    void shouldPassOnTheValidFramesBeforeABadOneAndThenAnswerError() {
        final byte[] hello = GoldenFrames.load("hello");
        final String reject = GoldenFrames.rejectNames().iterator().next();
        final EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.copiedBuffer(concat(hello, GoldenFrames.load(reject))));
        final ByteBuf passed = ch.readInbound();
        assertArrayEquals(hello, ByteBufUtil.getBytes(passed), "the frame before the bad one is not lost");
        passed.release();
        assertNull(ch.readInbound(), "nothing of or after the bad frame");
        final ByteBuf out = ch.readOutbound();
        assertNotNull(out, "an ERROR frame is sent");
        out.release();
        assertEquals(1, metrics.rejectedCount(GoldenFrames.expectedError(reject)));
        assertFalse(ch.isOpen());
        ch.finishAndReleaseAll();
    }

    private static byte[] concat(final byte[]... parts) {
        final ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    static Iterable<String> rejectNames() {
        return GoldenFrames.rejectNames();
    }

    @ParameterizedTest
    @MethodSource("rejectNames")
    void shouldAnswerErrorWithTheFramesCodeAndCloseWhenAGoldenRejectFrameArrives(final String name) {
        final ErrorCode expected = GoldenFrames.expectedError(name);
        final EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(GoldenFrames.load(name)));
        assertNull(ch.readInbound(), "nothing is passed on");
        final ByteBuf out = ch.readOutbound();
        assertNotNull(out, "an ERROR frame is sent");
        final UnsafeBuffer view = new UnsafeBuffer(ByteBufUtil.getBytes(out));
        out.release();
        final ErrorFlyweight error = new ErrorFlyweight();
        error.wrap(view, 0);
        assertEquals(FrameType.ERROR, error.type());
        assertEquals(expected.code(), error.code(), name);
        assertFalse(ch.isOpen(), "the connection is closed after a framing error");
        assertEquals(1, metrics.rejectedCount(expected), "counted by reason");
        ch.finishAndReleaseAll();
    }

    @Test
    void shouldRejectAnOversizedFrameAsSoonAsItsHeaderArrives() {
        final EmbeddedChannel ch = new EmbeddedChannel(new RigFrameDecoder(4096, metrics));
        final ByteBuf header = Unpooled.buffer(8).writeIntLE(4097).writeByte(FrameType.SAMPLES).writeByte(1)
            .writeShortLE(0);
        ch.writeInbound(header);
        final ByteBuf out = ch.readOutbound();
        assertNotNull(out, "refused without waiting for the 4 KiB body");
        out.release();
        assertEquals(1, metrics.rejectedCount(ErrorCode.FRAME_TOO_LARGE));
        assertFalse(ch.isOpen());
        ch.finishAndReleaseAll();
    }

    @Test
    void shouldNeverThrowWhenFedRandomBytes() {
        final Random random = new Random(42);
        for (int round = 0; round < 2_000; round++) {
            final EmbeddedChannel ch = channel();
            final byte[] junk = new byte[1 + random.nextInt(200)];
            random.nextBytes(junk);
            if (junk.length >= 8 && random.nextBoolean()) {
                // plausible small length so the body validators run too
                junk[0] = (byte) Math.min(junk.length, 8 + random.nextInt(64));
                junk[1] = 0;
                junk[2] = 0;
                junk[3] = 0;
                junk[4] = (byte) (1 + random.nextInt(FrameType.MAX_KNOWN));
                junk[5] = 1;
            }
            ch.writeInbound(Unpooled.wrappedBuffer(junk));
            ch.finishAndReleaseAll();
        }
    }
}
