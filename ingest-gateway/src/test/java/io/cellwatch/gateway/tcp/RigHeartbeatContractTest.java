package io.cellwatch.gateway.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.cellwatch.core.codec.FrameDescriptor;
import io.cellwatch.core.codec.FrameFlyweight;
import io.cellwatch.core.codec.FrameType;
import io.cellwatch.core.codec.HeartbeatFlyweight;
import io.cellwatch.core.codec.HelloFlyweight;
import io.cellwatch.core.config.Settings;
import io.cellwatch.gateway.GatewayConfig;
import io.cellwatch.gateway.board.ChannelBoard;
import io.cellwatch.gateway.command.CommandRouter;
import io.cellwatch.gateway.kafka.RecordPublisher;
import io.cellwatch.gateway.metrics.GatewayMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway's side of the heartbeat contract (docs/protocol.md, section 3) on an EmbeddedChannel whose clock the
 * test moves: the idle detection of {@link RigChannelInitializer} in front of a {@link RigSessionHandler}, interval
 * 1000 ms. A HEARTBEAT goes out after one idle interval; a rig silent for three intervals after HELLO is closed and
 * counted in {@code silent_rigs_disconnected}; any frame from the rig restarts the count.
 */
class RigHeartbeatContractTest {
    private static final int INTERVAL_MS = 1_000;

    private final GatewayMetrics metrics = new GatewayMetrics();
    private final ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(256);
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    /** Takes nothing: these sessions send no data frames. */
    private static final class NoDataPublisher implements RecordPublisher {
        @Override
        public void publish(final String channelId, final byte[] value, final Completion completion) {
            throw new AssertionError("no data frame is sent in these tests");
        }

        @Override
        public void close() {
        }
    }

    @AfterEach
    void releaseFrames() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    private EmbeddedChannel session() {
        final GatewayConfig config = GatewayConfig.from(Settings.of(Map.of(
            GatewayConfig.HEARTBEAT_INTERVAL, Integer.toString(INTERVAL_MS))));
        final EmbeddedChannel ch = new EmbeddedChannel();
        channels.add(ch);
        ch.freezeTime(); // before the idle handler starts its timers: they run on the test's clock
        ch.pipeline().addLast(RigChannelInitializer.idleDetection(config.heartbeatIntervalMillis()),
            new RigSessionHandler(config, new NoDataPublisher(), new CommandRouter(metrics), metrics,
                new ChannelBoard()));
        ch.pipeline().fireChannelActive(); // the channel was already active when the handlers were added
        return ch;
    }

    private EmbeddedChannel afterHello() {
        final EmbeddedChannel ch = session();
        ch.writeInbound(frame(HelloFlyweight.encode(scratch, 0, FrameDescriptor.PROTOCOL_VERSION, "rigA", "")));
        assertEquals(FrameType.HELLO_OK, nextFrameType(ch));
        return ch;
    }

    private ByteBuf frame(final int length) {
        return Unpooled.wrappedBuffer(Arrays.copyOf(scratch.byteArray(), length));
    }

    /** Type of the next frame the gateway wrote, or -1 when it wrote nothing. */
    private static int nextFrameType(final EmbeddedChannel ch) {
        final ByteBuf out = ch.readOutbound();
        if (out == null) {
            return -1;
        }
        try {
            return FrameFlyweight.frameType(new UnsafeBuffer(ByteBufUtil.getBytes(out)), 0);
        } finally {
            out.release();
        }
    }

    private static void advance(final EmbeddedChannel ch, final long millis) {
        ch.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
    }

    /** Advances in steps of a quarter interval, dropping the gateway's HEARTBEATs; returns how many it wrote. */
    private static int advanceCountingHeartbeats(final EmbeddedChannel ch, final long millis) {
        int heartbeats = 0;
        for (long done = 0; done < millis; done += INTERVAL_MS / 4) {
            advance(ch, INTERVAL_MS / 4);
            for (int type = nextFrameType(ch); type != -1; type = nextFrameType(ch)) {
                assertEquals(FrameType.HEARTBEAT, type);
                heartbeats++;
            }
        }
        return heartbeats;
    }

    @Test
    void shouldWriteAHeartbeatAfterOneIntervalWithoutWriting() {
        final EmbeddedChannel ch = afterHello();
        advance(ch, INTERVAL_MS - 1);
        assertEquals(-1, nextFrameType(ch), "nothing before the interval is over");
        advance(ch, 1);
        assertEquals(FrameType.HEARTBEAT, nextFrameType(ch));
        assertEquals(-1, nextFrameType(ch));
        advance(ch, INTERVAL_MS);
        assertEquals(FrameType.HEARTBEAT, nextFrameType(ch), "and again after each further idle interval");
    }

    @Test
    void shouldCloseARigSilentForThreeIntervalsAfterHelloAndCountIt() {
        final EmbeddedChannel ch = afterHello();
        final int heartbeats = advanceCountingHeartbeats(ch, 3L * INTERVAL_MS - INTERVAL_MS / 4);
        assertTrue(ch.isOpen(), "still open just before three intervals");
        assertEquals(2, heartbeats, "the gateway kept writing HEARTBEATs meanwhile");
        assertEquals(0, metrics.silentRigsDisconnected.sum());
        advanceCountingHeartbeats(ch, INTERVAL_MS / 4);
        assertFalse(ch.isOpen(), "closed after three silent intervals");
        assertEquals(1, metrics.silentRigsDisconnected.sum());
    }

    @Test
    void shouldKeepARigThatSendsAFrameWithinEveryThreeIntervals() {
        final EmbeddedChannel ch = afterHello();
        for (int i = 0; i < 4; i++) {
            advanceCountingHeartbeats(ch, 2L * INTERVAL_MS);
            ch.writeInbound(frame(HeartbeatFlyweight.encode(scratch, 0, 1L)));
        }
        assertTrue(ch.isOpen(), "8 s in all, but never three intervals without a frame");
        assertEquals(0, metrics.silentRigsDisconnected.sum());
    }

    @Test
    void shouldCloseAConnectionThatNeverSentHelloWithoutCountingItAsASilentRig() {
        final EmbeddedChannel ch = session();
        advanceCountingHeartbeats(ch, 3L * INTERVAL_MS);
        assertFalse(ch.isOpen());
        assertEquals(0, metrics.silentRigsDisconnected.sum());
        assertEquals(1, metrics.labeled("connections_closed", "reason", "idle_before_hello").sum());
        assertNull(ch.readOutbound());
    }
}
