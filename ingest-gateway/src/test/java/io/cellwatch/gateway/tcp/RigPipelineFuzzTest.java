package io.cellwatch.gateway.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.cellwatch.core.codec.FrameDescriptor;
import io.cellwatch.core.codec.FrameMutator;
import io.cellwatch.core.codec.GoldenFrames;
import io.cellwatch.core.config.Settings;
import io.cellwatch.gateway.GatewayConfig;
import io.cellwatch.gateway.board.ChannelBoard;
import io.cellwatch.gateway.command.CommandRouter;
import io.cellwatch.gateway.kafka.RecordPublisher;
import io.cellwatch.gateway.metrics.GatewayMetrics;
import io.netty.buffer.AbstractByteBuf;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Seeded mutations of the golden frames, cut into random fragments, through the rig port's real pipeline (frame
 * decoder, frame timeout, session) on an EmbeddedChannel. Asserts that no exception escapes the pipeline and that
 * no buffer leaks: every input buffer and every buffer the pipeline allocated (ERROR, ACK, HELLO_OK frames) is
 * released once the connection is finished, checked by reference count, and Netty's paranoid leak detector (the
 * test JVMs run with {@code -Dio.netty.leakDetection.level=paranoid}) reports nothing. Bounded by a count of
 * connections, so it runs in CI on every build.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RigPipelineFuzzTest {
    private static final long SEED = 0xCE11_0005L;
    private static final int CONNECTIONS = 3_000;

    private final List<String> leaks = new ArrayList<>();
    private ResourceLeakDetector<ByteBuf> detector;

    /** Every buffer handed out, to check its reference count at the end. */
    private static final class TrackingAllocator extends AbstractByteBufAllocator {
        final List<ByteBuf> handedOut = new ArrayList<>();

        TrackingAllocator() {
            super(false); // heap buffers, not pooled: a released buffer is never handed out again
        }

        @Override
        protected ByteBuf newHeapBuffer(final int initialCapacity, final int maxCapacity) {
            return track(new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity));
        }

        @Override
        protected ByteBuf newDirectBuffer(final int initialCapacity, final int maxCapacity) {
            return track(new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity));
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }

        @Override
        public CompositeByteBuf compositeHeapBuffer(final int maxNumComponents) {
            final CompositeByteBuf c = super.compositeHeapBuffer(maxNumComponents);
            handedOut.add(c);
            return c;
        }

        private ByteBuf track(final ByteBuf b) {
            handedOut.add(b);
            return b;
        }
    }

    /** Publishes nothing, acknowledges at once (so ACK frames are written too). */
    private static final RecordPublisher INSTANT = new RecordPublisher() {
        @Override
        public void publish(final String channelId, final byte[] value, final Completion completion) {
            completion.onComplete(null);
        }

        @Override
        public void close() {
        }
    };

    @BeforeAll
    @SuppressWarnings("unchecked")
    void listenForLeaks() throws ReflectiveOperationException {
        // The detector that tracks ByteBufs is a static of AbstractByteBuf; its listener hears every leak report.
        final Field f = AbstractByteBuf.class.getDeclaredField("leakDetector");
        f.setAccessible(true);
        detector = (ResourceLeakDetector<ByteBuf>) f.get(null);
        detector.setLeakListener((type, records) -> {
            synchronized (leaks) {
                leaks.add(type + ": " + records);
            }
        });
    }

    @AfterAll
    void stopListening() {
        detector.setLeakListener(null);
    }

    @Test
    void shouldNeverThrowOrLeakWhenMutatedFramesArriveInRandomFragments() throws Exception {
        assertEquals(ResourceLeakDetector.Level.PARANOID, ResourceLeakDetector.getLevel(),
            "run with -Dio.netty.leakDetection.level=paranoid (the parent pom's test argLine sets it)");
        final Random random = new Random(SEED);
        final List<byte[]> goldens = GoldenFrames.loadAll();
        final byte[] hello = GoldenFrames.load("hello");
        final byte[] channel = GoldenFrames.load("channel");
        final GatewayConfig config = GatewayConfig.from(Settings.of(Map.of("gateway.max-unacked-frames", "4",
            "gateway.max-samples-per-second", "1000", "gateway.sample-burst", "100")));
        final TrackingAllocator alloc = new TrackingAllocator();
        int closedByGateway = 0;
        for (int c = 0; c < CONNECTIONS; c++) {
            final GatewayMetrics metrics = new GatewayMetrics();
            final ChannelBoard board = new ChannelBoard();
            final EmbeddedChannel ch = new EmbeddedChannel(false, false,
                new RigFrameDecoder(FrameDescriptor.DEFAULT_MAX_FRAME_LENGTH, metrics),
                new FrameTimeoutHandler(30_000, metrics.labeled("connections_closed", "reason", "incomplete_frame")),
                new RigSessionHandler(config, INSTANT, new CommandRouter(metrics, board::alert), metrics, board));
            ch.config().setAllocator(alloc); // before registering: the session takes its allocator when active
            ch.register();
            // A valid start half of the time, so the session gets past HELLO and CHANNEL to the data frames.
            final byte[] stream = stream(random, goldens, random.nextBoolean() ? List.of(hello, channel) : List.of());
            final String context = "seed " + Long.toHexString(SEED) + " connection " + c + ": "
                + HexFormat.of().formatHex(stream, 0, Math.min(stream.length, 64));
            int at = 0;
            while (at < stream.length && ch.isOpen()) {
                final int n = 1 + random.nextInt(Math.min(stream.length - at, 1 + random.nextInt(200)));
                final ByteBuf in = alloc.heapBuffer(n).writeBytes(stream, at, n);
                at += n;
                try {
                    ch.writeInbound(in);
                    ch.runPendingTasks();
                    ch.checkException();
                } catch (Throwable t) {
                    throw new AssertionError("an exception escaped the pipeline at " + context, t);
                }
            }
            if (!ch.isOpen()) {
                closedByGateway++;
            }
            ch.finishAndReleaseAll();
            for (ByteBuf b : alloc.handedOut) {
                assertEquals(0, b.refCnt(), () -> "a buffer was not released after " + context);
            }
            alloc.handedOut.clear();
        }
        assertTrue(closedByGateway > CONNECTIONS / 10, "the mutations never made the gateway refuse anything: "
            + closedByGateway);
        // Leak reports come from the paranoid detector when a tracked buffer is collected unreleased.
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
            alloc.heapBuffer(1).release(); // a new tracked allocation makes the detector report what it found
        }
        synchronized (leaks) {
            assertEquals(List.of(), leaks, "Netty's leak detector reported leaks");
        }
    }

    /** A start, then 1-8 golden frames, each mutated with probability 1/2, back to back. */
    private static byte[] stream(final Random random, final List<byte[]> goldens, final List<byte[]> start) {
        final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        start.forEach(out::writeBytes);
        for (int i = 1 + random.nextInt(8); i > 0; i--) {
            final byte[] g = goldens.get(random.nextInt(goldens.size()));
            out.writeBytes(random.nextBoolean() ? FrameMutator.mutate(g, random) : g);
        }
        return out.toByteArray();
    }
}
