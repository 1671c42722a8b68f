package io.cellwatch.gateway.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.cellwatch.core.alert.Alert;
import io.cellwatch.core.alert.AlertClass;
import io.cellwatch.core.alert.StopAction;
import io.cellwatch.core.codec.AckFlyweight;
import io.cellwatch.core.codec.ChannelFlyweight;
import io.cellwatch.core.codec.CommandFlyweight;
import io.cellwatch.core.codec.ErrorCode;
import io.cellwatch.core.codec.ErrorFlyweight;
import io.cellwatch.core.codec.FrameDescriptor;
import io.cellwatch.core.codec.FrameFlyweight;
import io.cellwatch.core.codec.FrameType;
import io.cellwatch.core.codec.HelloFlyweight;
import io.cellwatch.core.codec.HelloOkFlyweight;
import io.cellwatch.core.codec.SamplesFlyweight;
import io.cellwatch.core.config.Settings;
import io.cellwatch.core.model.CellForm;
import io.cellwatch.core.model.ChannelDeclaration;
import io.cellwatch.core.record.TelemetryRecordFlyweight;
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
 * The rig session on an EmbeddedChannel, with a publisher the test completes by hand, so the ACK rules can be
 * driven exactly: nothing is ACKed before Kafka holds it, ACKs are cumulative in arrival order, a Kafka failure
 * ends the session without an ACK.
 */
class RigSessionHandlerTest {
    private static final String RIG = "rigA";

    /** Records what the session published; the test completes each send when it wants. */
    private static final class HandCompletedPublisher implements RecordPublisher {
        /** {@code key} is null when the session did not pass one. */
        record Sent(String channelId, byte[] key, byte[] value, Completion completion) { }

        final List<Sent> sent = new ArrayList<>();

        @Override
        public void publish(final String channelId, final byte[] value, final Completion completion) {
            sent.add(new Sent(channelId, null, value, completion));
        }

        @Override
        public void publish(final String channelId, final byte[] key, final byte[] value, final Completion completion) {
            sent.add(new Sent(channelId, key, value, completion));
        }

        @Override
        public void close() {
        }
    }

    private final GatewayMetrics metrics = new GatewayMetrics();
    private final ChannelBoard board = new ChannelBoard();
    private final CommandRouter router = new CommandRouter(metrics, board::alert);
    private final HandCompletedPublisher publisher = new HandCompletedPublisher();
    private final ExpandableArrayBuffer scratch = new ExpandableArrayBuffer(4096);

    private final List<EmbeddedChannel> channels = new ArrayList<>();

    private EmbeddedChannel session(final Map<String, String> settings) {
        final GatewayConfig config = GatewayConfig.from(Settings.of(settings));
        final EmbeddedChannel ch = new EmbeddedChannel(new RigSessionHandler(config, publisher, router, metrics, board));
        channels.add(ch);
        return ch;
    }

    /** Releases whatever a test left unread (ACKs, HEARTBEATs), so the paranoid leak detector stays quiet. */
    @AfterEach
    void releaseFrames() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    private EmbeddedChannel session() {
        return session(Map.of("gateway.rig-tokens", RIG + ":tok", "gateway.max-unacked-frames", "4"));
    }

    private ByteBuf frame(final int length) {
        return Unpooled.wrappedBuffer(Arrays.copyOf(scratch.byteArray(), length));
    }

    private ByteBuf hello(final String rig, final String token) {
        return frame(HelloFlyweight.encode(scratch, 0, FrameDescriptor.PROTOCOL_VERSION, rig, token));
    }

    private ByteBuf channelFrame(final long seq, final int no, final String id) {
        return frame(ChannelFlyweight.encode(scratch, 0, seq, new ChannelDeclaration(no, id, "SN1", "LOT1",
            "pse-app9/overcharge-protection", 1, CellForm.CYLINDRICAL, 3.0, Map.of())));
    }

    private ByteBuf samples(final long seq, final int no) {
        final int len = SamplesFlyweight.encodeHeader(scratch, 0, seq, no, 2);
        SamplesFlyweight.putSample(scratch, 0, 0, 1_000, 4.1f, 1f, 25f, Float.NaN, Float.NaN);
        SamplesFlyweight.putSample(scratch, 0, 1, 2_000, 4.2f, 1f, 25f, Float.NaN, Float.NaN);
        return frame(len);
    }

    private static UnsafeBuffer read(final EmbeddedChannel ch) {
        final ByteBuf out = ch.readOutbound();
        if (out == null) {
            return null;
        }
        final UnsafeBuffer view = new UnsafeBuffer(ByteBufUtil.getBytes(out));
        out.release();
        return view;
    }

    private static int errorCode(final UnsafeBuffer frame) {
        assertEquals(FrameType.ERROR, FrameFlyweight.frameType(frame, 0));
        final ErrorFlyweight e = new ErrorFlyweight();
        e.wrap(frame, 0);
        return e.code();
    }

    private static long ackSequence(final UnsafeBuffer frame) {
        assertEquals(FrameType.ACK, FrameFlyweight.frameType(frame, 0));
        final AckFlyweight a = new AckFlyweight();
        a.wrap(frame, 0);
        return a.sequence();
    }

    private EmbeddedChannel connected() {
        return connected(Map.of("gateway.max-unacked-frames", "4"));
    }

    private EmbeddedChannel connected(final Map<String, String> settings) {
        final Map<String, String> all = new java.util.HashMap<>(settings);
        all.put("gateway.rig-tokens", RIG + ":tok");
        final EmbeddedChannel ch = session(all);
        ch.writeInbound(hello(RIG, "tok"));
        assertEquals(FrameType.HELLO_OK, FrameFlyweight.frameType(read(ch), 0));
        return ch;
    }

    @Test
    void shouldRefuseTheChannelBeyondTheLimitWithTooManyChannels() {
        final EmbeddedChannel ch = connected(Map.of("gateway.max-channels-per-connection", "2"));
        ch.writeInbound(channelFrame(10, 1, "rigA/ch01"));
        ch.writeInbound(channelFrame(11, 2, "rigA/ch02"));
        ch.writeInbound(channelFrame(12, 1, "rigA/ch01b")); // a new cell on number 1 is no new channel
        assertTrue(ch.isOpen());
        ch.writeInbound(channelFrame(13, 3, "rigA/ch03"));
        assertEquals(ErrorCode.TOO_MANY_CHANNELS.code(), errorCode(read(ch)));
        assertFalse(ch.isOpen());
        assertEquals(3, publisher.sent.size(), "the refused declaration is not stored");
        assertEquals(1, metrics.rejectedCount(ErrorCode.TOO_MANY_CHANNELS));
    }

    @Test
    void shouldStopReadingOverTheSampleRateAndResumeWhenTheDebtIsPaid() {
        // 10 samples/s, bucket of 4: CHANNEL (1) + SAMPLES (2) fit; the next SAMPLES (2) owe 1 sample = 100 ms.
        final EmbeddedChannel ch = connected(Map.of("gateway.max-samples-per-second", "10",
            "gateway.sample-burst", "4"));
        ch.freezeTime();
        ch.writeInbound(channelFrame(10, 1, "rigA/ch01"));
        ch.writeInbound(samples(11, 1));
        assertTrue(ch.config().isAutoRead());
        ch.writeInbound(samples(12, 1));
        assertFalse(ch.config().isAutoRead(), "over the rate: the gateway stops reading");
        assertTrue(ch.isOpen(), "throttled, not refused");
        assertEquals(3, publisher.sent.size(), "a frame that arrived is stored, never dropped");
        assertEquals(1L, metrics.snapshot().get("read_pauses{reason=sample_rate}"));
        ch.advanceTimeBy(90, java.util.concurrent.TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertFalse(ch.config().isAutoRead(), "still paying the debt");
        ch.advanceTimeBy(20, java.util.concurrent.TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertTrue(ch.config().isAutoRead(), "reading resumes once the average is back at the rate");
    }

    @Test
    void shouldKeepReadingPausedWhileKafkaIsBehindEvenWhenTheThrottleEnds() {
        final EmbeddedChannel ch = connected(Map.of("gateway.max-samples-per-second", "10",
            "gateway.sample-burst", "1", "gateway.max-unacked-frames", "2"));
        ch.freezeTime();
        ch.writeInbound(channelFrame(10, 1, "rigA/ch01"));
        ch.writeInbound(samples(11, 1)); // 2 unacked (back-pressure) and 2 samples over the bucket (throttle)
        assertFalse(ch.config().isAutoRead());
        ch.advanceTimeBy(1, java.util.concurrent.TimeUnit.SECONDS);
        ch.runScheduledPendingTasks();
        assertFalse(ch.config().isAutoRead(), "the throttle ended, but Kafka still holds both frames unacknowledged");
        publisher.sent.forEach(sent -> sent.completion().onComplete(null));
        ch.runPendingTasks();
        assertTrue(ch.config().isAutoRead());
    }

    @Test
    void shouldNotCloseARigAsSilentWhileTheGatewayItselfHasStoppedReadingIt() {
        final GatewayConfig config = GatewayConfig.from(Settings.of(Map.of("gateway.rig-tokens", RIG + ":tok",
            "gateway.max-samples-per-second", "1", "gateway.sample-burst", "1")));
        final EmbeddedChannel ch = new EmbeddedChannel(
            new io.netty.handler.timeout.IdleStateHandler(3000, 1000, 0, java.util.concurrent.TimeUnit.MILLISECONDS),
            new RigSessionHandler(config, publisher, router, metrics, board));
        channels.add(ch);
        ch.freezeTime();
        ch.writeInbound(hello(RIG, "tok"));
        ch.writeInbound(channelFrame(10, 1, "rigA/ch01"));
        ch.writeInbound(samples(11, 1));
        ch.writeInbound(samples(12, 1));
        ch.writeInbound(samples(13, 1)); // 7 samples at 1/s: reading paused for 6 s
        assertFalse(ch.config().isAutoRead());
        for (int s = 0; s < 9; s++) { // the read-idle timeout (3 s) passes while paused
            ch.advanceTimeBy(500, java.util.concurrent.TimeUnit.MILLISECONDS);
            ch.runScheduledPendingTasks();
        }
        assertFalse(ch.config().isAutoRead(), "still paused after 4.5 s");
        ch.writeInbound(samples(14, 1)); // what the rig had sent meanwhile
        assertTrue(ch.isOpen(), "a rig is not 'silent' while the gateway is the one not reading");
        assertEquals(0, metrics.silentRigsDisconnected.sum());
    }

    private ByteBuf samplesAt(final long seq, final long timeMicros) {
        final int len = SamplesFlyweight.encodeHeader(scratch, 0, seq, 1, 1);
        SamplesFlyweight.putSample(scratch, 0, 0, timeMicros, 4.1f, 1f, 25f, Float.NaN, Float.NaN);
        return frame(len);
    }

    @Test
    void shouldAcceptARigClockADayAheadButRefuseOneBeyondTheMaximumSkew() {
        final EmbeddedChannel ch = connected(Map.of("gateway.max-future-skew-ms", Long.toString(2L * 86_400_000)));
        final long nowMicros = System.currentTimeMillis() * 1000;
        ch.writeInbound(channelFrame(10, 1, "rigA/ch01"));
        ch.writeInbound(samplesAt(11, nowMicros + 86_400_000_000L)); // a day ahead: a wrong clock, accepted
        assertTrue(ch.isOpen());
        assertEquals(2, publisher.sent.size());
        ch.writeInbound(samplesAt(12, nowMicros + 3 * 86_400_000_000L));
        assertEquals(ErrorCode.TIMESTAMP_IN_FUTURE.code(), errorCode(read(ch)));
        assertFalse(ch.isOpen());
        assertEquals(2, publisher.sent.size(), "the refused frame is not stored");
        assertEquals(1, metrics.rejectedCount(ErrorCode.TIMESTAMP_IN_FUTURE));
    }

    @Test
    void shouldRefuseAMarkStampedFurtherAheadThanSevenDaysByDefault() {
        final EmbeddedChannel ch = connected();
        ch.writeInbound(channelFrame(10, 1, "rigA/ch01"));
        final long eightDays = 8L * 86_400_000_000L;
        ch.writeInbound(frame(io.cellwatch.core.codec.MarkFlyweight.encode(scratch, 0, 11, 1, 1,
            System.currentTimeMillis() * 1000 + eightDays)));
        assertEquals(ErrorCode.TIMESTAMP_IN_FUTURE.code(), errorCode(read(ch)));
        assertFalse(ch.isOpen());
    }

    @Test
    void shouldRefuseAnyFrameBeforeHello() {
        final EmbeddedChannel ch = session();
        ch.writeInbound(samples(1, 1));
        assertEquals(ErrorCode.HELLO_REQUIRED.code(), errorCode(read(ch)));
        assertFalse(ch.isOpen());
        assertTrue(publisher.sent.isEmpty());
    }

    /** protocol.md section 3: the session runs at the lower of the rig's and the gateway's protocol version. */
    @Test
    void shouldAnswerANewerRigsHelloWithTheGatewaysOwnVersion() {
        final EmbeddedChannel ch = session();
        ch.writeInbound(frame(HelloFlyweight.encode(scratch, 0, FrameDescriptor.PROTOCOL_VERSION + 1, RIG, "tok")));
        final UnsafeBuffer reply = read(ch);
        assertEquals(FrameType.HELLO_OK, FrameFlyweight.frameType(reply, 0));
        final HelloOkFlyweight ok = new HelloOkFlyweight();
        ok.wrap(reply, 0);
        assertEquals(FrameDescriptor.PROTOCOL_VERSION, ok.protocolVersion());
        assertTrue(ch.isOpen());
    }

    @Test
    void shouldRefuseHelloWithAProtocolVersionBelowOne() {
        final EmbeddedChannel ch = session();
        ch.writeInbound(frame(HelloFlyweight.encode(scratch, 0, 0, RIG, "tok")));
        assertEquals(ErrorCode.UNSUPPORTED_VERSION.code(), errorCode(read(ch)));
        assertFalse(ch.isOpen());
    }

    @Test
    void shouldRefuseHelloWhenTheTokenIsWrong() {
        final EmbeddedChannel ch = session();
        ch.writeInbound(hello(RIG, "nope"));
        assertEquals(ErrorCode.AUTHENTICATION_FAILED.code(), errorCode(read(ch)));
        assertFalse(ch.isOpen());
        assertEquals(1, metrics.rejectedCount(ErrorCode.AUTHENTICATION_FAILED));
    }

    @Test
    void shouldAckOnlyAfterKafkaHoldsTheFrame() {
        final EmbeddedChannel ch = connected();
        ch.writeInbound(channelFrame(10, 1, "rigA/ch01"));
        ch.writeInbound(samples(11, 1));
        assertEquals(2, publisher.sent.size());
        ch.runPendingTasks();
        assertNull(read(ch), "no ACK while Kafka has not acknowledged");

        publisher.sent.get(0).completion().onComplete(null);
        ch.runPendingTasks();
        assertEquals(10, ackSequence(read(ch)));
        publisher.sent.get(1).completion().onComplete(null);
        ch.runPendingTasks();
        assertEquals(11, ackSequence(read(ch)));
    }

    @Test
    void shouldAckCumulativelyInArrivalOrderWhenKafkaCompletesOutOfOrder() {
        final EmbeddedChannel ch = connected();
        ch.writeInbound(channelFrame(10, 1, "rigA/ch01"));
        ch.writeInbound(samples(11, 1));
        ch.writeInbound(samples(12, 1));
        publisher.sent.get(2).completion().onComplete(null);
        publisher.sent.get(1).completion().onComplete(null);
        ch.runPendingTasks();
        assertNull(read(ch), "frame 10 is not stored yet, so nothing after it may be acknowledged");
        publisher.sent.get(0).completion().onComplete(null);
        ch.runPendingTasks();
        assertEquals(12, ackSequence(read(ch)), "one cumulative ACK covers all three");
        assertNull(read(ch));
    }

    @Test
    void shouldAnswerCompletionsThatArriveTogetherWithOneAckForTheNewestFrame() {
        final EmbeddedChannel ch = connected();
        ch.writeInbound(channelFrame(10, 1, "rigA/ch01"));
        ch.writeInbound(samples(11, 1));
        ch.writeInbound(samples(12, 1));
        for (HandCompletedPublisher.Sent sent : publisher.sent) {
            sent.completion().onComplete(null); // one producer callback batch, before the event loop runs
        }
        ch.runPendingTasks();
        assertEquals(12, ackSequence(read(ch)), "ACKs are cumulative: the newest stored frame covers the others");
        assertNull(read(ch), "one ACK for the batch");
        assertEquals(3, metrics.recordsAcknowledged.sum());
        assertEquals(1, metrics.acksSent.sum());
    }

    @Test
    void shouldAckWhatKafkaStoredBeforeAFailureThatArrivesInTheSameBatch() {
        final EmbeddedChannel ch = connected();
        ch.writeInbound(channelFrame(10, 1, "rigA/ch01"));
        ch.writeInbound(samples(11, 1));
        ch.writeInbound(samples(12, 1));
        publisher.sent.get(0).completion().onComplete(null);
        publisher.sent.get(1).completion().onComplete(new RuntimeException("broker down"));
        publisher.sent.get(2).completion().onComplete(null);
        ch.runPendingTasks();
        assertEquals(10, ackSequence(read(ch)), "frame 10 was stored before the failure: the rig need not resend it");
        assertEquals(ErrorCode.UNAVAILABLE.code(), errorCode(read(ch)));
        assertNull(read(ch), "nothing is acknowledged after the failure, not even frame 12");
        assertEquals(2, metrics.recordsAcknowledged.sum());
        assertEquals(1, metrics.recordsFailed.sum());
    }

    @Test
    void shouldStampFramesOfOneReadWithOneReceiveTimeAndReadTheClockAgainForTheNextRead() throws InterruptedException {
        final EmbeddedChannel ch = connected();
        ch.writeInbound(channelFrame(10, 1, "rigA/ch01"), samples(11, 1)); // one socket read, two frames
        final long first = receivedAtMicros(publisher.sent.get(0));
        assertEquals(first, receivedAtMicros(publisher.sent.get(1)), "frames of one read arrived together");
        while (currentMicros() <= first) {
            Thread.sleep(1); // until the wall clock has moved on
        }
        ch.writeInbound(samples(12, 1));
        assertTrue(receivedAtMicros(publisher.sent.get(2)) > first, "the next read reads the clock again");
    }

    @Test
    void shouldCountTheSamplesAndRecordsOfAReadOnMetricsAndTheBoardWhenTheReadCompletes() {
        final EmbeddedChannel ch = connected();
        ch.writeInbound(channelFrame(10, 1, "rigA/ch01"), samples(11, 1), samples(12, 1)); // one socket read
        assertEquals(4L, metrics.snapshot().get("samples_in"), "both frames' samples, visible once the read completed");
        assertEquals(3L, metrics.snapshot().get("records_sent"));
        final List<?> history = (List<?>) board.channelWithHistory("rigA/ch01").get("history");
        assertEquals(1, history.size(), "both frames landed in the receive time's bucket");
        assertEquals(4.1, (Double) ((Object[]) history.get(0))[1], 1e-6, "min voltage");
        assertEquals(4.2, (Double) ((Object[]) history.get(0))[2], 1e-6, "max voltage");
        publisher.sent.forEach(s -> s.completion().onComplete(null));
        ch.runPendingTasks();
        assertEquals(3L, metrics.snapshot().get("records_acknowledged"));
        ch.writeInbound(samples(13, 1));
        assertEquals(6L, metrics.snapshot().get("samples_in"), "the next read adds its own");
        assertEquals(4L, metrics.snapshot().get("records_sent"));
    }

    @Test
    void shouldRefuseAFrameWhoseNewestSampleIsTooFarAheadEvenWhenItIsNotTheLast() {
        final EmbeddedChannel ch = connected();
        final long nowMicros = System.currentTimeMillis() * 1000;
        final ByteBuf channel = channelFrame(10, 1, "rigA/ch01"); // (before the samples: both are encoded in scratch)
        final int len = SamplesFlyweight.encodeHeader(scratch, 0, 11, 1, 3);
        SamplesFlyweight.putSample(scratch, 0, 0, nowMicros, 4.1f, 1f, 25f, Float.NaN, Float.NaN);
        SamplesFlyweight.putSample(scratch, 0, 1, nowMicros + 30L * 86_400_000_000L, 4.2f, 1f, 25f, Float.NaN,
            Float.NaN);
        SamplesFlyweight.putSample(scratch, 0, 2, nowMicros + 1_000, 4.3f, 1f, 25f, Float.NaN, Float.NaN);
        ch.writeInbound(channel, frame(len));
        assertEquals(ErrorCode.TIMESTAMP_IN_FUTURE.code(), errorCode(read(ch)));
        assertEquals(1, publisher.sent.size(), "only the CHANNEL frame is stored");
        assertEquals(0L, metrics.snapshot().get("samples_in"), "a refused frame's samples are not counted");
        assertEquals(1L, metrics.snapshot().get("records_sent"));
        assertTrue(((List<?>) board.channelWithHistory("rigA/ch01").get("history")).isEmpty(),
            "a refused frame does not reach the board");
    }

    private static long receivedAtMicros(final HandCompletedPublisher.Sent sent) {
        final TelemetryRecordFlyweight record = new TelemetryRecordFlyweight();
        record.wrap(new UnsafeBuffer(sent.value()), 0, sent.value().length);
        return record.receivedAtMicros();
    }

    private static long currentMicros() {
        final java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    @Test
    void shouldStoreTheRigsFrameUnchangedBehindAnEnvelopeKeyedByChannelId() {
        final EmbeddedChannel ch = connected();
        ch.writeInbound(channelFrame(10, 7, "rigA/ch07"));
        final ByteBuf samples = samples(11, 7);
        final byte[] sentFrame = ByteBufUtil.getBytes(samples);
        ch.writeInbound(samples);
        final HandCompletedPublisher.Sent sent = publisher.sent.get(1);
        assertEquals("rigA/ch07", sent.channelId());
        assertArrayEquals("rigA/ch07".getBytes(StandardCharsets.UTF_8), sent.key(), "the Kafka key: the channel id");
        final TelemetryRecordFlyweight record = new TelemetryRecordFlyweight();
        record.wrap(new UnsafeBuffer(sent.value()), 0, sent.value().length);
        assertNull(record.validate());
        assertEquals(RIG, record.rigId());
        assertTrue(record.receivedAtMicros() > 0);
        assertArrayEquals(sentFrame, Arrays.copyOfRange(sent.value(), record.frameOffset(), sent.value().length));
        assertEquals(2, metrics.samplesIn.sum());
    }

    @Test
    void shouldRefuseSamplesForAChannelNumberNobodyDeclared() {
        final EmbeddedChannel ch = connected();
        ch.writeInbound(samples(11, 9));
        assertEquals(ErrorCode.UNKNOWN_CHANNEL.code(), errorCode(read(ch)));
        assertFalse(ch.isOpen());
        assertTrue(publisher.sent.isEmpty(), "nothing of a refused frame reaches Kafka");
        assertEquals(1, metrics.rejectedCount(ErrorCode.UNKNOWN_CHANNEL), "counted by reason");
    }

    @Test
    void shouldRefuseAChannelWhoseProcedureIsUnknown() {
        final EmbeddedChannel ch = connected();
        ch.writeInbound(frame(ChannelFlyweight.encode(scratch, 0, 10, new ChannelDeclaration(1, "rigA/ch01", "SN1",
            "LOT1", "pse-app9/no-such-test", 1, CellForm.CYLINDRICAL, 3.0, Map.of()))));
        final UnsafeBuffer error = read(ch);
        assertEquals(ErrorCode.INVALID_VALUE.code(), errorCode(error));
        final ErrorFlyweight e = new ErrorFlyweight();
        e.wrap(error, 0);
        assertTrue(e.message().contains("pse-app9/no-such-test@1"), e.message());
        assertTrue(publisher.sent.isEmpty(), "an unusable declaration never reaches Kafka");
    }

    @Test
    void shouldRefuseAChannelWithAnInvalidOverride() {
        final EmbeddedChannel ch = connected();
        ch.writeInbound(frame(ChannelFlyweight.encode(scratch, 0, 10, new ChannelDeclaration(1, "rigA/ch01", "SN1",
            "LOT1", "pse-app9/overcharge-protection", 1, CellForm.CYLINDRICAL, 3.0,
            Map.of("upper-charge-voltage.limit", 42.0)))));
        final UnsafeBuffer error = read(ch);
        assertEquals(ErrorCode.INVALID_VALUE.code(), errorCode(error));
        final ErrorFlyweight e = new ErrorFlyweight();
        e.wrap(error, 0);
        assertTrue(e.message().contains("upper-charge-voltage.limit") && e.message().contains("42"), e.message());
    }

    @Test
    void shouldRefuseAChannelOutsideTheRigsNamespaceWhenRigsAuthenticate() {
        final EmbeddedChannel ch = connected();
        ch.writeInbound(channelFrame(10, 1, "rigB/ch01"));
        assertEquals(ErrorCode.CHANNEL_NOT_PERMITTED.code(), errorCode(read(ch)));
        assertTrue(publisher.sent.isEmpty());
        assertNull(router.owner("rigB/ch01"));
    }

    @Test
    void shouldRefuseAChannelThatAnotherRigsLiveConnectionHolds() {
        final EmbeddedChannel other = session(Map.of());
        other.writeInbound(hello("rigB", ""));
        read(other);
        other.writeInbound(channelFrame(10, 1, "shared/ch01"));
        final EmbeddedChannel ch = session(Map.of());
        ch.writeInbound(hello(RIG, ""));
        read(ch);
        ch.writeInbound(channelFrame(10, 1, "shared/ch01"));
        assertEquals(ErrorCode.CHANNEL_CONFLICT.code(), errorCode(read(ch)));
        assertTrue(other.isOpen(), "the holder keeps its channel");
    }

    @Test
    void shouldRefuseASequenceNumberThatDoesNotRise() {
        final EmbeddedChannel ch = connected();
        ch.writeInbound(channelFrame(10, 1, "rigA/ch01"));
        ch.writeInbound(samples(10, 1));
        assertEquals(ErrorCode.INVALID_VALUE.code(), errorCode(read(ch)));
        assertEquals(1, publisher.sent.size());
    }

    @Test
    void shouldEndTheSessionWithoutAckWhenKafkaFails() {
        final EmbeddedChannel ch = connected();
        ch.writeInbound(channelFrame(10, 1, "rigA/ch01"));
        publisher.sent.get(0).completion().onComplete(new RuntimeException("broker down"));
        ch.runPendingTasks();
        assertEquals(ErrorCode.UNAVAILABLE.code(), errorCode(read(ch)), "the rig keeps the frame and resends it");
        assertNull(read(ch), "never an ACK for a frame Kafka did not take");
        assertFalse(ch.isOpen());
        assertEquals(1, metrics.recordsFailed.sum());
    }

    @Test
    void shouldStopReadingWhenTooManyFramesWaitForKafkaAndResumeWhenTheyDrain() {
        final EmbeddedChannel ch = connected(); // max-unacked-frames = 4
        ch.writeInbound(channelFrame(10, 1, "rigA/ch01"));
        for (int i = 11; i <= 13; i++) {
            ch.writeInbound(samples(i, 1));
        }
        assertFalse(ch.config().isAutoRead(), "paused at 4 unacknowledged frames");
        assertEquals(1, metrics.backpressurePauses.sum());
        for (int i = 0; i < 2; i++) {
            publisher.sent.get(i).completion().onComplete(null);
        }
        ch.runPendingTasks();
        assertTrue(ch.config().isAutoRead(), "resumed at half the limit");
    }

    @Test
    void shouldSendACommandForAnAlertOnAChannelThisConnectionOwns() {
        final EmbeddedChannel ch = connected();
        ch.writeInbound(channelFrame(10, 5, "rigA/ch05"));
        final Alert alert = new Alert("id-1", "rigA/ch05", RIG, "SN1", "LOT1", "p", 1, "upper-charge-voltage",
            AlertClass.SAFETY, StopAction.STOP, 123_456L, 4.26, Double.NaN, 4.25, "V", 1L, false, "too high", "over-limit");
        assertTrue(router.deliver(alert));
        assertFalse(router.deliver(alert), "a repeated alert id is delivered once");
        ch.runPendingTasks();
        final UnsafeBuffer out = read(ch);
        assertEquals(FrameType.COMMAND, FrameFlyweight.frameType(out, 0));
        final CommandFlyweight c = new CommandFlyweight();
        c.wrap(out, 0);
        assertEquals(5, c.channelNo());
        assertEquals(StopAction.STOP, c.action());
        assertEquals("id-1", c.alertId());
        assertEquals(123_456L, c.sampleTimeMicros());
        assertEquals(1, metrics.commandsSent.sum());
        assertEquals(1, metrics.commandsDuplicate.sum());
    }

    @Test
    void shouldReleaseItsChannelsWhenTheConnectionCloses() {
        final EmbeddedChannel ch = connected();
        ch.writeInbound(channelFrame(10, 5, "rigA/ch05"));
        assertNotNull(router.owner("rigA/ch05"));
        ch.close();
        assertNull(router.owner("rigA/ch05"));
    }
}
