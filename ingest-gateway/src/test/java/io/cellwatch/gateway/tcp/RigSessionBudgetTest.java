package io.cellwatch.gateway.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.cellwatch.core.codec.ChannelFlyweight;
import io.cellwatch.core.codec.ErrorCode;
import io.cellwatch.core.codec.ErrorFlyweight;
import io.cellwatch.core.codec.FrameDescriptor;
import io.cellwatch.core.codec.FrameFlyweight;
import io.cellwatch.core.codec.FrameType;
import io.cellwatch.core.codec.HelloFlyweight;
import io.cellwatch.core.codec.SamplesFlyweight;
import io.cellwatch.core.config.Settings;
import io.cellwatch.core.model.CellForm;
import io.cellwatch.core.model.ChannelDeclaration;
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
 * The gateway-wide in-flight byte budget on EmbeddedChannels sharing one {@link InFlightBudget}: a connection whose
 * frame takes the total over the limit stops reading, and every paused connection resumes when completions (on any
 * connection) bring the total down to half; a send that fails at once gives its bytes back and is not ACKed.
 */
class RigSessionBudgetTest {
    private static final int LIMIT = 16_384;
    private static final Map<String, String> SETTINGS = Map.of("gateway.max-in-flight-bytes", Integer.toString(LIMIT),
        "gateway.max-unacked-frames", "100000");

    /** Records sends; the test completes them when it wants, or the publisher fails them at once. */
    private static final class TestPublisher implements RecordPublisher {
        record Sent(byte[] value, Completion completion) { }

        final List<Sent> sent = new ArrayList<>();
        Exception failAtOnce;
        /** Refuse every record as Kafka's producer does while it knows no leader for the topic. */
        boolean refuse;

        @Override
        public boolean tryPublish(final String channelId, final byte[] key, final byte[] value,
                                  final Completion completion) {
            if (refuse) {
                return false;
            }
            publish(channelId, value, completion);
            return true;
        }

        @Override
        public void publish(final String channelId, final byte[] value, final Completion completion) {
            sent.add(new Sent(value, completion));
            if (failAtOnce != null) {
                completion.onComplete(failAtOnce); // as KafkaRecordPublisher does when send() cannot go at once
            }
        }

        @Override
        public void close() {
        }
    }

    private final GatewayConfig config = GatewayConfig.from(Settings.of(SETTINGS));
    private final GatewayMetrics metrics = new GatewayMetrics();
    private final ChannelBoard board = new ChannelBoard();
    private final CommandRouter router = new CommandRouter(metrics, board::alert);
    private final InFlightBudget budget = new InFlightBudget(config.kafka().maxInFlightBytes());
    private final ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(16_384);
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    @AfterEach
    void releaseFrames() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    /** A connection past HELLO with channel 1 declared (the CHANNEL frame is completed, so it holds no budget). */
    private EmbeddedChannel rig(final String rigId, final TestPublisher publisher) {
        final EmbeddedChannel ch = new EmbeddedChannel(
            new RigSessionHandler(config, publisher, router, metrics, board, budget));
        channels.add(ch);
        ch.writeInbound(frame(HelloFlyweight.encode(scratch, 0, FrameDescriptor.PROTOCOL_VERSION, rigId, "")));
        assertEquals(FrameType.HELLO_OK, frameType(ch.readOutbound()));
        ch.writeInbound(frame(ChannelFlyweight.encode(scratch, 0, 1, new ChannelDeclaration(1, rigId + "/ch01", "SN1",
            "LOT1", "pse-app9/overcharge-protection", 1, CellForm.CYLINDRICAL, 3.0, Map.of()))));
        publisher.sent.get(0).completion().onComplete(null);
        ch.runPendingTasks();
        assertEquals(FrameType.ACK, frameType(ch.readOutbound()));
        assertEquals(0, budget.bytes(), "the CHANNEL frame's bytes are back");
        return ch;
    }

    private ByteBuf frame(final int length) {
        return Unpooled.wrappedBuffer(Arrays.copyOf(scratch.byteArray(), length));
    }

    /** A SAMPLES frame of 100 samples (about 2.5 KB): a handful fill the 16 KiB budget. */
    private ByteBuf samples(final long seq) {
        final int count = 100;
        final int len = SamplesFlyweight.encodeHeader(scratch, 0, seq, 1, count);
        for (int i = 0; i < count; i++) {
            SamplesFlyweight.putSample(scratch, 0, i, seq * 1_000 + i, 4.1f, 1f, 25f, Float.NaN, Float.NaN);
        }
        return frame(len);
    }

    private static int frameType(final Object out) {
        final ByteBuf b = (ByteBuf) out;
        try {
            return FrameFlyweight.frameType(new UnsafeBuffer(ByteBufUtil.getBytes(b)), 0);
        } finally {
            b.release();
        }
    }

    private long pausesForBudget() {
        return metrics.snapshot().get("read_pauses{reason=in_flight_bytes}");
    }

    @Test
    void shouldStopReadingWhenTheFrameTakesTheBudgetOverItsLimitAndResumeWhenHalfIsFree() {
        final TestPublisher publisher = new TestPublisher();
        final EmbeddedChannel ch = rig("rigA", publisher);
        long total = 0;
        long seq = 2;
        while (total <= LIMIT) {
            assertTrue(ch.config().isAutoRead(), "still reading at " + total + " bytes in flight");
            ch.writeInbound(samples(seq++));
            total += publisher.sent.get(publisher.sent.size() - 1).value().length;
        }
        assertFalse(ch.config().isAutoRead(), "paused at " + total + " bytes, over the limit of " + LIMIT);
        assertEquals(total, budget.bytes());
        assertEquals(total, budget.peakBytes());
        assertEquals(1, pausesForBudget());
        assertNull(ch.readOutbound(), "nothing is acknowledged while Kafka has not answered");

        // Kafka answers one frame at a time: reading resumes exactly when the total is down to half the limit
        for (int i = 1; i < publisher.sent.size(); i++) {
            final TestPublisher.Sent s = publisher.sent.get(i);
            s.completion().onComplete(null);
            ch.runPendingTasks();
            total -= s.value().length;
            assertEquals(total, budget.bytes());
            if (total <= LIMIT / 2) {
                assertTrue(ch.config().isAutoRead(), "resumed at " + total + " bytes");
                break;
            }
            assertFalse(ch.config().isAutoRead(), "still paused at " + total + " bytes");
        }
        assertTrue(ch.config().isAutoRead());
    }

    @Test
    void shouldResumeAConnectionPausedForTheBudgetWhenAnotherConnectionsFramesComplete() {
        final TestPublisher publisherA = new TestPublisher();
        final TestPublisher publisherB = new TestPublisher();
        final EmbeddedChannel a = rig("rigA", publisherA);
        final EmbeddedChannel b = rig("rigB", publisherB);
        long seq = 2;
        while (a.config().isAutoRead()) {
            a.writeInbound(samples(seq++));
        }
        b.writeInbound(samples(2));
        assertFalse(b.config().isAutoRead(), "B's one frame finds the shared budget used up by A");
        assertEquals(2, budget.waitingCount());

        for (int i = 1; i < publisherA.sent.size(); i++) {
            publisherA.sent.get(i).completion().onComplete(null);
        }
        a.runPendingTasks();
        b.runPendingTasks();
        assertTrue(a.config().isAutoRead());
        assertTrue(b.config().isAutoRead(), "A's completions freed the room B waited for");
        assertNull(b.readOutbound(), "B's own frame is still not acknowledged");
        assertEquals(publisherB.sent.get(1).value().length, budget.bytes());
    }

    @Test
    void shouldHoldFramesTheProducerRefusesPauseReadingAndSendThemInOrderWhenItTakesThemAgain() {
        final TestPublisher publisher = new TestPublisher();
        final EmbeddedChannel ch = rig("rigA", publisher);
        publisher.refuse = true;
        ch.writeInbound(samples(2));
        assertFalse(ch.config().isAutoRead(), "paused while the frame waits to be sent");
        publisher.refuse = false;
        ch.writeInbound(samples(3)); // already read: waits behind frame 2 although the producer would take it
        assertEquals(1, publisher.sent.size(), "only the CHANNEL frame went to Kafka");
        assertNull(ch.readOutbound(), "no ERROR: the session goes on");
        assertEquals(1, metrics.snapshot().get("read_pauses{reason=kafka_refused}"));

        publisher.refuse = true;
        ch.advanceTimeBy(100, java.util.concurrent.TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertEquals(1, publisher.sent.size(), "still refused: still held");
        assertFalse(ch.config().isAutoRead());

        publisher.refuse = false;
        ch.advanceTimeBy(100, java.util.concurrent.TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertEquals(3, publisher.sent.size());
        assertTrue(ch.config().isAutoRead(), "reading again once everything went to Kafka");
        final long total = publisher.sent.get(1).value().length + publisher.sent.get(2).value().length;
        assertEquals(total, budget.bytes(), "held frames stayed charged to the budget");
        publisher.sent.get(1).completion().onComplete(null);
        publisher.sent.get(2).completion().onComplete(null);
        ch.runPendingTasks();
        final ByteBuf ack = ch.readOutbound();
        final UnsafeBuffer view = new UnsafeBuffer(ByteBufUtil.getBytes(ack));
        ack.release();
        final io.cellwatch.core.codec.AckFlyweight a = new io.cellwatch.core.codec.AckFlyweight();
        a.wrap(view, 0);
        assertEquals(3, a.sequence(), "ACKed in order once Kafka holds both");
        assertEquals(0, budget.bytes());
    }

    @Test
    void shouldGiveTheBytesBackAndAckNothingWhenTheSendFailsAtOnce() {
        final TestPublisher publisher = new TestPublisher();
        final EmbeddedChannel ch = rig("rigA", publisher);
        publisher.failAtOnce = new org.apache.kafka.common.errors.TimeoutException("buffer full");
        ch.writeInbound(samples(2));
        ch.runPendingTasks();
        final ByteBuf out = ch.readOutbound();
        final UnsafeBuffer error = new UnsafeBuffer(ByteBufUtil.getBytes(out));
        out.release();
        assertEquals(FrameType.ERROR, FrameFlyweight.frameType(error, 0), "an ERROR, not an ACK");
        final ErrorFlyweight e = new ErrorFlyweight();
        e.wrap(error, 0);
        assertEquals(ErrorCode.UNAVAILABLE.code(), e.code());
        assertEquals(0, budget.bytes());
        assertEquals(1, metrics.recordsFailed.sum());
    }
}
