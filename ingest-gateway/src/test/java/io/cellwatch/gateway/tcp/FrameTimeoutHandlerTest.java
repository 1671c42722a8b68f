package io.cellwatch.gateway.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import io.cellwatch.core.codec.FrameDescriptor;
import io.cellwatch.core.codec.GoldenFrames;
import io.cellwatch.gateway.metrics.GatewayMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/** Slow-loris on the rig port: bytes that never make a frame do not keep a connection open. */
class FrameTimeoutHandlerTest {
    private final LongAdder closed = new LongAdder();

    private EmbeddedChannel channel() {
        final EmbeddedChannel ch = new EmbeddedChannel(
            new RigFrameDecoder(FrameDescriptor.DEFAULT_MAX_FRAME_LENGTH, new GatewayMetrics()),
            new FrameTimeoutHandler(1000, closed));
        ch.freezeTime();
        return ch;
    }

    @Test
    void shouldCloseAConnectionThatTricklesAFrameThatNeverEnds() {
        final byte[] samples = GoldenFrames.load("samples");
        final EmbeddedChannel ch = channel();
        for (int i = 0; i < 20 && ch.isOpen(); i++) { // one byte every 100 ms: reads, but no frame
            ch.writeInbound(Unpooled.wrappedBuffer(samples, i, 1));
            ch.advanceTimeBy(100, TimeUnit.MILLISECONDS);
            ch.runScheduledPendingTasks();
        }
        assertFalse(ch.isOpen(), "closed after 1 s without a complete frame");
        assertEquals(1, closed.sum());
        ch.finishAndReleaseAll();
    }

    @Test
    void shouldKeepAConnectionOpenThatCompletesAFrameWithinTheTimeout() {
        final byte[] heartbeat = GoldenFrames.load("heartbeat");
        final EmbeddedChannel ch = channel();
        for (int i = 0; i < 10; i++) {
            ch.writeInbound(Unpooled.wrappedBuffer(heartbeat));
            final ByteBuf frame = ch.readInbound();
            frame.release();
            ch.advanceTimeBy(800, TimeUnit.MILLISECONDS);
            ch.runScheduledPendingTasks();
        }
        assertTrue(ch.isOpen(), "8 s of heartbeats, never 1 s without a frame");
        assertEquals(0, closed.sum());
        ch.finishAndReleaseAll();
    }

    @Test
    void shouldNotCountTimeWhileTheGatewayStoppedReading() {
        final EmbeddedChannel ch = channel();
        ch.config().setAutoRead(false); // back-pressure or the sample-rate limit
        ch.advanceTimeBy(5, TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertTrue(ch.isOpen());
        assertEquals(0, closed.sum());
        ch.finishAndReleaseAll();
    }
}
