package io.cellwatch.gateway.tcp;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import io.cellwatch.core.alert.Alert;
import io.cellwatch.core.codec.ChannelFlyweight;
import io.cellwatch.core.codec.CommandAckFlyweight;
import io.cellwatch.core.codec.ErrorCode;
import io.cellwatch.core.codec.ErrorFlyweight;
import io.cellwatch.core.codec.FrameDescriptor;
import io.cellwatch.core.codec.FrameType;
import io.cellwatch.core.codec.HelloFlyweight;
import io.cellwatch.core.codec.MarkFlyweight;
import io.cellwatch.core.codec.SamplesFlyweight;
import io.cellwatch.core.model.ChannelDeclaration;
import io.cellwatch.core.procedure.ProcedureLibrary;
import io.cellwatch.core.record.TelemetryRecordFlyweight;
import io.cellwatch.core.rules.RuleParameters;
import io.cellwatch.gateway.GatewayConfig;
import io.cellwatch.gateway.board.ChannelBoard;
import io.cellwatch.gateway.board.ChannelView;
import io.cellwatch.gateway.board.SamplesFrameScan;
import io.cellwatch.gateway.command.CommandRouter;
import io.cellwatch.gateway.command.CommandTarget;
import io.cellwatch.gateway.kafka.RecordPublisher;
import io.cellwatch.gateway.metrics.GatewayMetrics;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.IdleState;
import io.netty.util.concurrent.AbstractScheduledEventExecutor;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.internal.PlatformDependent;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One rig connection: the HELLO handshake, the channel table, storing CHANNEL / SAMPLES / MARK frames in Kafka,
 * acknowledging them to the rig only once Kafka holds them, and sending COMMAND frames for the rig's channels.
 *
 * <p>Stateful (session, channel table, unacknowledged frames), so one instance per connection; all of its state is
 * touched only on the connection's event loop (Kafka callbacks and commands hop onto it).
 *
 * <p>ACKs are cumulative and in arrival order: the ACK names the sequence of the newest frame such that it and
 * every frame before it on this connection are in Kafka. When more than {@code maxUnackedFrames} are waiting for
 * Kafka, the gateway stops reading this socket (back-pressure instead of buffering) and resumes at half that. It
 * also stops reading when the gateway-wide {@link InFlightBudget} of bytes waiting for Kafka is used up, and resumes
 * when completions (on any connection) free half of it; so a Kafka outage never fills the producer's buffer, and
 * the event loop never waits in {@code send()}: heartbeats keep flowing while Kafka is away. A frame the producer
 * refuses at once (it knows no leader while the brokers are away) is held, with the frames behind it, and offered
 * again every 100 ms while reading is paused: an outage neither fails the session nor blocks the loop.
 *
 * <p>Per frame the hot path does no boxing and no clock read of its own: the channel table is keyed by the int
 * channel number, the receive time is read once per socket read, the sample-rate limit is charged once per socket
 * read, and Kafka's completions are queued and handled in
 * one event-loop task per batch, which also answers the whole batch with one cumulative ACK.
 */
public final class RigSessionHandler extends SimpleChannelInboundHandler<ByteBuf> implements CommandTarget {
    private static final Logger LOG = LoggerFactory.getLogger(RigSessionHandler.class);

    private final GatewayConfig config;
    private final RecordPublisher publisher;
    private final CommandRouter router;
    private final GatewayMetrics metrics;
    private final ChannelBoard board;
    private final InFlightBudget budget;
    private final ProcedureLibrary procedures = ProcedureLibrary.builtIn();
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private final HelloFlyweight hello = new HelloFlyweight();
    private final ChannelFlyweight channelFrame = new ChannelFlyweight();
    private final SamplesFlyweight samples = new SamplesFlyweight();
    private final SamplesFrameScan scan = new SamplesFrameScan();
    private final MarkFlyweight mark = new MarkFlyweight();
    private final CommandAckFlyweight commandAck = new CommandAckFlyweight();
    private final ErrorFlyweight errorFrame = new ErrorFlyweight();
    private final Int2ObjectHashMap<SessionChannel> channelsByNo = new Int2ObjectHashMap<>();
    private final Map<String, Integer> channelNoById = new HashMap<>();
    private final ArrayDeque<PendingFrame> unacked = new ArrayDeque<>();
    /** Frames Kafka has answered for, in completion order, filled by the producer's thread (many producers, one consumer). */
    private final Queue<PendingFrame> completed = PlatformDependent.newMpscQueue();
    /** A task to handle {@link #completed} is queued on the event loop and has not started yet. */
    private final AtomicBoolean completionsScheduled = new AtomicBoolean();
    private final Runnable handleCompletions = this::handleCompletions;
    /** The gateway clock at the socket read that delivered the frames now being handled; {@link #NO_TIME} between reads. */
    private long readMicros = NO_TIME;
    private static final long NO_TIME = Long.MIN_VALUE;
    private ChannelHandlerContext ctx;
    private OutboundFrames out;
    private String rigId;
    private byte[] rigIdEnvelope;
    private long lastSequence = Long.MIN_VALUE;
    private long lastAckSent = Long.MIN_VALUE;
    private boolean closing;
    private final ConnectionLimits limits;
    private final LongAdder rateLimitPauses;
    private final LongAdder idleBeforeHello;
    /** Null when the sample rate is not limited. */
    private SampleRateLimiter rate;
    /** Samples of the current socket read not yet taken from {@link #rate} ({@link #chargeRead}). */
    private long unchargedSamples;
    /** Reading is paused because too many frames wait for Kafka. */
    private boolean backpressured;
    /** Reading is paused because the connection is over its sample rate. */
    private boolean throttled;
    /** Reading is paused because the gateway-wide in-flight byte budget is used up; waiting in {@link #budget}. */
    private boolean overBudget;
    private final Runnable endBudgetPause = this::endBudgetPause;
    /** Given to the budget, which runs it on whichever thread freed the room. */
    private final Runnable budgetRoomFreed = this::budgetRoomFreed;
    private final LongAdder budgetPauses;
    /**
     * Frames Kafka's producer refused at once (no partition metadata while the brokers are away, or a full buffer),
     * in arrival order, with every frame that arrived behind them (a channel's records must stay in order). Reading
     * is paused while any wait; they are offered again every {@link #RESEND_MILLIS}. Their bytes stay charged to the
     * budget, so they are within the memory bound.
     */
    private final ArrayDeque<HeldFrame> notYetSent = new ArrayDeque<>();
    private final Runnable resendHeld = this::resendHeld;
    private final LongAdder kafkaRefusedPauses;
    private static final long RESEND_MILLIS = 100;

    /** A frame waiting to be handed to Kafka. */
    private record HeldFrame(SessionChannel channel, byte[] value, PendingFrame pending) { }
    /**
     * Samples and records of this read not yet added to {@link GatewayMetrics#samplesIn} and
     * {@link GatewayMetrics#recordsSent}: plain fields of the event loop instead of two shared-counter updates per
     * frame. {@link #flushCounts()} adds them when the read completes, before any Kafka completion is counted, and
     * when the connection closes, so a scrape of /metrics lags by at most the frames of one socket read and never
     * sees more records acknowledged than sent.
     */
    private long unflushedSamples;
    private long unflushedRecords;

    /** A declared channel: its declaration, its Kafka key, and its view on the live board. */
    private record SessionChannel(ChannelDeclaration declaration, byte[] key, ChannelView boardView) { }

    /**
     * A frame handed to Kafka, waiting for its acknowledgement. It is its own send completion: no lambda and no
     * event-loop task per record.
     */
    private final class PendingFrame implements RecordPublisher.Completion {
        final long sequence;
        /** The record's size, charged to the budget until Kafka answers. */
        final int bytes;
        /** Written by the producer's thread before the frame enters {@link #completed} (which publishes it). */
        Exception failure;
        /** Event loop only. */
        boolean stored;

        PendingFrame(final long sequence, final int bytes) {
            this.sequence = sequence;
            this.bytes = bytes;
        }

        @Override
        public void onComplete(final Exception failure) {
            this.failure = failure;
            completed.offer(this);
            if (completionsScheduled.compareAndSet(false, true)) {
                try {
                    ctx.executor().execute(handleCompletions);
                } catch (RejectedExecutionException e) {
                    // the gateway is shutting down and this connection is gone: the rig resends the unacked frames
                }
            }
        }
    }

    /** With a budget of its own (handler tests, benchmarks); the gateway shares one budget among all connections. */
    public RigSessionHandler(final GatewayConfig config, final RecordPublisher publisher, final CommandRouter router,
                             final GatewayMetrics metrics, final ChannelBoard board) {
        this(config, publisher, router, metrics, board, new InFlightBudget(config.kafka().maxInFlightBytes()));
    }

    public RigSessionHandler(final GatewayConfig config, final RecordPublisher publisher, final CommandRouter router,
                             final GatewayMetrics metrics, final ChannelBoard board, final InFlightBudget budget) {
        this.config = config;
        this.budget = budget;
        this.budgetPauses = metrics.labeled("read_pauses", "reason", "in_flight_bytes");
        this.kafkaRefusedPauses = metrics.labeled("read_pauses", "reason", "kafka_refused");
        this.publisher = publisher;
        this.router = router;
        this.metrics = metrics;
        this.board = board;
        this.limits = config.limits();
        this.rateLimitPauses = metrics.labeled("read_pauses", "reason", "sample_rate");
        this.idleBeforeHello = metrics.labeled("connections_closed", "reason", "idle_before_hello");
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        this.out = new OutboundFrames(ctx.alloc());
        if (limits.maxSamplesPerSecond() > 0) {
            rate = new SampleRateLimiter(limits.maxSamplesPerSecond(), limits.sampleBurst(), nanoTime(ctx));
        }
        metrics.connectionsOpened.increment();
        metrics.connectionsActive.increment();
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception {
        flushCounts();
        metrics.connectionsActive.decrement();
        if (rigId != null) {
            metrics.rigsConnected.decrement();
        }
        for (String channelId : channelNoById.keySet()) {
            router.release(channelId, this);
            if (router.owner(channelId) == null) {
                board.disconnected(channelId);
            }
        }
        if (!unacked.isEmpty()) {
            LOG.info("rig {} disconnected with {} frames not yet acknowledged; it will resend them", rigId,
                unacked.size());
        }
        super.channelInactive(ctx);
    }

    @Override
    public void channelReadComplete(final ChannelHandlerContext ctx) throws Exception {
        readMicros = NO_TIME; // the next read reads the clock again
        chargeRead();
        flushCounts();
        super.channelReadComplete(ctx);
    }

    @Override
    protected void channelRead0(final ChannelHandlerContext ctx, final ByteBuf frame) {
        if (closing) {
            return;
        }
        final int length = frame.readableBytes();
        ByteBufViews.wrap(view, frame, frame.readerIndex(), length);
        final int type = view.getByte(FrameDescriptor.TYPE_OFFSET) & 0xFF;
        if (rigId == null) {
            if (type != FrameType.HELLO) {
                fail(ErrorCode.HELLO_REQUIRED, "the first frame must be HELLO, got " + FrameType.name(type));
                return;
            }
            onHello();
            return;
        }
        switch (type) {
            case FrameType.CHANNEL -> onChannel(frame);
            case FrameType.SAMPLES -> onSamples(frame);
            case FrameType.MARK -> onMark(frame);
            case FrameType.COMMAND_ACK -> onCommandAck();
            case FrameType.HEARTBEAT -> { } // any frame proves liveness; the idle handler sees the read
            case FrameType.ERROR -> onPeerError();
            default -> fail(ErrorCode.UNEXPECTED_FRAME, FrameType.name(type) + " is not sent by a rig after HELLO");
        }
    }

    private void onHello() {
        hello.wrap(view, 0);
        // The rig names the highest version it speaks; the session runs at the lower of that and ours (HELLO_OK
        // carries ours), so a newer rig that can fall back keeps working. Only a version below 1 has nothing in common.
        if (hello.protocolVersion() < FrameDescriptor.PROTOCOL_VERSION) {
            fail(ErrorCode.UNSUPPORTED_VERSION, "protocol version " + hello.protocolVersion() + " not supported; this "
                + "gateway speaks " + FrameDescriptor.PROTOCOL_VERSION);
            return;
        }
        final String id = hello.rigId();
        if (id.isEmpty()) {
            fail(ErrorCode.INVALID_VALUE, "rig id must not be empty");
            return;
        }
        if (!config.rigTokens().isEmpty() && !hello.token().equals(config.rigTokens().get(id))) {
            fail(ErrorCode.AUTHENTICATION_FAILED, "rig '" + Sanitize.text(id) + "' is unknown or its token is wrong");
            return;
        }
        rigId = id;
        final UnsafeBuffer envelope = new UnsafeBuffer(new byte[TelemetryRecordFlyweight.envelopeLength(id)]);
        TelemetryRecordFlyweight.encodeEnvelope(envelope, 0, id, 0L);
        rigIdEnvelope = envelope.byteArray();
        metrics.rigsConnected.increment();
        ctx.writeAndFlush(out.helloOk(config.heartbeatIntervalMillis(), config.maxFrameLength(), nowMicros()));
        LOG.info("rig {} connected from {}", rigId, ctx.channel().remoteAddress());
    }

    private void onChannel(final ByteBuf frame) {
        channelFrame.wrap(view, 0);
        if (!checkSequence(channelFrame.sequence())) {
            return;
        }
        final ChannelDeclaration d = channelFrame.declaration();
        if (!config.rigTokens().isEmpty() && !d.channelId().startsWith(rigId + "/")) {
            // an authenticated rig writes only its own channels
            fail(ErrorCode.CHANNEL_NOT_PERMITTED, "rig " + Sanitize.text(rigId) + " may only declare channels named "
                + Sanitize.text(rigId) + "/..., not " + Sanitize.text(d.channelId()));
            return;
        }
        final RuleParameters parameters;
        try {
            parameters = procedures.resolve(d);
        } catch (IllegalArgumentException e) {
            fail(ErrorCode.INVALID_VALUE, "channel " + Sanitize.text(d.channelId()) + ": " + e.getMessage());
            return;
        }
        if (!channelsByNo.containsKey(d.channelNo()) && channelsByNo.size() >= limits.maxChannelsPerConnection()) {
            fail(ErrorCode.TOO_MANY_CHANNELS, "channel number " + d.channelNo() + " would be channel "
                + (channelsByNo.size() + 1) + " on this connection; at most " + limits.maxChannelsPerConnection()
                + " are allowed");
            return;
        }
        final SessionChannel previous = channelsByNo.get(d.channelNo());
        if (previous != null && !previous.declaration().channelId().equals(d.channelId())) {
            channelNoById.remove(previous.declaration().channelId());
            router.release(previous.declaration().channelId(), this);
        }
        channelNoById.put(d.channelId(), d.channelNo());
        if (!router.claim(d.channelId(), this)) {
            fail(ErrorCode.CHANNEL_CONFLICT, "channel " + Sanitize.text(d.channelId())
                + " is held by a live connection of another rig");
            return;
        }
        final SessionChannel c = new SessionChannel(d, key(d.channelId()), board.declared(d, rigId, parameters));
        channelsByNo.put(d.channelNo(), c);
        publish(c, channelFrame.sequence(), frame);
        charge(1);
    }

    private void onSamples(final ByteBuf frame) {
        samples.wrap(view, 0);
        final SessionChannel c = channelsByNo.get(samples.channelNo());
        if (c == null) {
            fail(ErrorCode.UNKNOWN_CHANNEL, "SAMPLES for channel number " + samples.channelNo()
                + " which no CHANNEL frame declared");
            return;
        }
        if (!checkSequence(samples.sequence())) {
            return;
        }
        scan.scan(samples); // the one pass over the samples, for the future-time check and the board
        if (!checkNotInFuture(scan.newestMicros(), "a sample of channel " + samples.channelNo())) {
            return;
        }
        unflushedSamples += samples.sampleCount();
        board.samples(c.boardView(), samples, scan, receivedMicros() / 1000);
        publish(c, samples.sequence(), frame);
        charge(samples.sampleCount());
    }

    private void onMark(final ByteBuf frame) {
        mark.wrap(view, 0);
        final SessionChannel c = channelsByNo.get(mark.channelNo());
        if (c == null) {
            fail(ErrorCode.UNKNOWN_CHANNEL, "MARK for channel number " + mark.channelNo()
                + " which no CHANNEL frame declared");
            return;
        }
        if (!checkSequence(mark.sequence())) {
            return;
        }
        if (!checkNotInFuture(mark.timestampMicros(), "a mark of channel " + mark.channelNo())) {
            return;
        }
        publish(c, mark.sequence(), frame);
        charge(1);
    }

    private void onCommandAck() {
        commandAck.wrap(view, 0);
        metrics.commandsAcknowledged.increment();
        router.acknowledged(commandAck.alertId());
        board.commandAcknowledged(commandAck.alertId());
        LOG.info("rig {} acknowledged command for alert {}", rigId, Sanitize.text(commandAck.alertId()));
    }

    private void onPeerError() {
        errorFrame.wrap(view, 0);
        LOG.warn("rig {} sent ERROR {} '{}'; closing", rigId, errorFrame.code(), Sanitize.text(errorFrame.message()));
        closing = true;
        ctx.close();
    }

    /** Sequence numbers must rise within a connection; a resend after reconnecting starts a new connection. */
    private boolean checkSequence(final long sequence) {
        if (sequence <= lastSequence) {
            fail(ErrorCode.INVALID_VALUE, "sequence " + sequence + " is not above the previous " + lastSequence);
            return false;
        }
        lastSequence = sequence;
        return true;
    }

    /**
     * Rig clocks hours or a day off are accepted on purpose (rules run on rig time); a time further ahead than
     * {@code gateway.max-future-skew-ms} is a broken clock or a broken encoder, and would hold back every rule that
     * orders by time, so it is refused.
     */
    private boolean checkNotInFuture(final long timeMicros, final String what) {
        final long now = receivedMicros();
        final long maxAheadMicros = limits.maxFutureSkewMillis() * 1000;
        if (timeMicros > now && timeMicros - now > maxAheadMicros) {
            fail(ErrorCode.TIMESTAMP_IN_FUTURE, what + " is stamped " + Instant.EPOCH.plus(timeMicros, ChronoUnit.MICROS)
                + ", more than " + limits.maxFutureSkewMillis() + " ms ahead of the gateway clock");
            return false;
        }
        return true;
    }

    private void publish(final SessionChannel c, final long sequence, final ByteBuf frame) {
        final int frameLength = frame.readableBytes();
        final byte[] value = new byte[rigIdEnvelope.length + frameLength];
        System.arraycopy(rigIdEnvelope, 0, value, 0, rigIdEnvelope.length);
        new UnsafeBuffer(value).putLong(TelemetryRecordFlyweight.RECEIVED_AT_OFFSET, receivedMicros(),
            FrameDescriptor.BYTE_ORDER);
        frame.getBytes(frame.readerIndex(), value, rigIdEnvelope.length, frameLength);
        final PendingFrame pending = new PendingFrame(sequence, value.length);
        unacked.addLast(pending);
        if (!budget.reserve(value.length) && !overBudget) {
            overBudget = true;
            updateAutoRead();
            budgetPauses.increment();
            budget.awaitRoom(budgetRoomFreed);
        }
        if (unacked.size() >= config.maxUnackedFrames() && !backpressured) {
            backpressured = true;
            updateAutoRead();
            metrics.backpressurePauses.increment();
        }
        unflushedRecords++;
        if (!notYetSent.isEmpty() || !publisher.tryPublish(c.declaration().channelId(), c.key(), value, pending)) {
            holdBack(new HeldFrame(c, value, pending));
        }
    }

    /** Keeps a frame the producer could not take; the first one pauses reading and starts the resend timer. */
    private void holdBack(final HeldFrame frame) {
        notYetSent.addLast(frame);
        if (notYetSent.size() == 1) {
            kafkaRefusedPauses.increment();
            updateAutoRead();
            ctx.executor().schedule(resendHeld, RESEND_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** Offers the held frames to Kafka again, oldest first, until one is refused; resumes reading when all went. */
    private void resendHeld() {
        if (!ctx.channel().isActive()) {
            // the rig resends what was not ACKed when it reconnects; give the memory back
            long bytes = 0;
            for (HeldFrame h = notYetSent.poll(); h != null; h = notYetSent.poll()) {
                bytes += h.pending().bytes;
            }
            budget.release(bytes);
            return;
        }
        for (HeldFrame h = notYetSent.peekFirst(); h != null; h = notYetSent.peekFirst()) {
            if (!publisher.tryPublish(h.channel().declaration().channelId(), h.channel().key(), h.value(),
                h.pending())) {
                ctx.executor().schedule(resendHeld, RESEND_MILLIS, TimeUnit.MILLISECONDS);
                return;
            }
            notYetSent.pollFirst();
        }
        updateAutoRead();
    }

    /**
     * Handles every completion Kafka reported since the last run, on the event loop. Stored frames are ACKed with
     * one cumulative ACK at the end; before a failure fails the session, what was stored before it is ACKed first,
     * so the rig sees the same ACKs as if each completion had been handled on its own.
     */
    private void handleCompletions() {
        completionsScheduled.set(false); // before polling: a completion offered after this schedules another run
        flushCounts(); // (a no-op after a completed read) records are counted as sent before they are as acknowledged
        int stored = 0;
        long freed = 0;
        for (PendingFrame p = completed.poll(); p != null; p = completed.poll()) {
            freed += p.bytes;
            if (p.failure == null) {
                p.stored = true;
                stored++;
                continue;
            }
            metrics.recordsAcknowledged.add(stored);
            stored = 0;
            ackStored();
            metrics.recordsFailed.increment();
            if (!closing) {
                LOG.warn("rig {}: Kafka did not take frame {}: {}", rigId, p.sequence, p.failure.toString());
                fail(ErrorCode.UNAVAILABLE, "storage unavailable; reconnect and resend unacknowledged frames");
            }
        }
        budget.release(freed);
        if (stored == 0) {
            return;
        }
        metrics.recordsAcknowledged.add(stored);
        ackStored();
        if (backpressured && unacked.size() <= config.maxUnackedFrames() / 2) {
            backpressured = false;
            updateAutoRead();
        }
    }

    /** Adds this connection's uncounted samples and records to the shared counters (event loop only). */
    private void flushCounts() {
        if (unflushedRecords != 0) {
            metrics.recordsSent.add(unflushedRecords);
            unflushedRecords = 0;
        }
        if (unflushedSamples != 0) {
            metrics.samplesIn.add(unflushedSamples);
            unflushedSamples = 0;
        }
    }

    /** Drops the stored frames at the head of the queue and ACKs the newest of them, if that is news to the rig. */
    private void ackStored() {
        long ackable = Long.MIN_VALUE;
        while (!unacked.isEmpty() && unacked.peekFirst().stored) {
            ackable = unacked.pollFirst().sequence;
        }
        if (ackable != Long.MIN_VALUE && ackable > lastAckSent && !closing && ctx.channel().isActive()) {
            lastAckSent = ackable;
            metrics.acksSent.increment();
            ctx.writeAndFlush(out.ack(ackable));
        }
    }

    /**
     * Charges a stored frame to the sample-rate bucket. A frame that is already here is never refused; over the rate
     * the gateway stops reading this connection until the debt is paid (the rig sees TCP back-pressure, as when
     * Kafka is slow), so the average stays at {@code gateway.max-samples-per-second}.
     */
    /** Counts a frame's samples (1 for CHANNEL and MARK) against the rate limit when the socket read completes. */
    private void charge(final int samples) {
        unchargedSamples += samples;
    }

    /**
     * Takes the whole read's samples from the rate limiter, with one clock read. Why per read and not per frame: per
     * frame, the clock read and the bucket's arithmetic were about a third of the event loop's time at 32 samples
     * per frame (GatewayPathBenchmark under async-profiler, benchmarks/README.md). Nothing changes for the rig: the
     * frames of a read have arrived anyway and are always taken; the pause starts when the read is handled.
     */
    private void chargeRead() {
        final long samples = unchargedSamples;
        unchargedSamples = 0; // also without a limit, so the count never just grows
        if (rate == null || samples == 0) {
            return;
        }
        final long pauseNanos = rate.take(samples, nanoTime(ctx));
        if (pauseNanos > 0 && !throttled) {
            throttled = true;
            updateAutoRead();
            rateLimitPauses.increment();
            ctx.executor().schedule(this::endThrottle, pauseNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void endThrottle() {
        // Frames already decoded from the last read may have added debt while paused: wait for that too.
        final long stillOwed = rate.take(0, nanoTime(ctx));
        if (stillOwed > 0) {
            ctx.executor().schedule(this::endThrottle, stillOwed, TimeUnit.NANOSECONDS);
            return;
        }
        throttled = false;
        updateAutoRead();
    }

    /** Runs on the thread whose completions freed the room: hop to this connection's event loop. */
    private void budgetRoomFreed() {
        try {
            ctx.executor().execute(endBudgetPause);
        } catch (RejectedExecutionException e) {
            // the gateway is shutting down: nothing left to resume
        }
    }

    private void endBudgetPause() {
        overBudget = false;
        updateAutoRead();
    }

    private void updateAutoRead() {
        ctx.channel().config().setAutoRead(!backpressured && !throttled && !overBudget && notYetSent.isEmpty());
    }

    /** The event loop's clock (a test's EmbeddedChannel moves it by hand). */
    private static long nanoTime(final ChannelHandlerContext ctx) {
        return ctx.executor() instanceof AbstractScheduledEventExecutor e ? e.ticker().nanoTime() : System.nanoTime();
    }

    @Override
    public void sendCommand(final Alert alert) {
        final ChannelHandlerContext c = ctx;
        if (c == null) {
            return;
        }
        c.executor().execute(() -> {
            final Integer channelNo = channelNoById.get(alert.channelId());
            if (channelNo == null || closing || !c.channel().isActive()) {
                metrics.commandsUndeliverable.increment();
                return;
            }
            c.writeAndFlush(out.command(channelNo, alert)).addListener(f -> {
                if (f.isSuccess()) {
                    router.written(alert.alertId()); // the dispatch latency ends when the bytes reach the socket
                }
            });
            metrics.commandsSent.increment();
            board.commandSent(alert.alertId());
            LOG.info("COMMAND {} sent to rig {} for {} (alert {}, rule {})", alert.action(), rigId,
                alert.channelId(), alert.alertId(), alert.rule());
        });
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt) throws Exception {
        if (evt instanceof IdleStateEvent e) {
            if (e.state() == IdleState.WRITER_IDLE) {
                ctx.writeAndFlush(out.heartbeat(nowMicros()));
            } else if (e.state() == IdleState.READER_IDLE && ctx.channel().config().isAutoRead()) {
                // (while the gateway itself has stopped reading, the rig's silence is not the rig's doing)
                if (rigId == null) {
                    idleBeforeHello.increment(); // a connection that never introduced itself is no silent rig
                    closing = true;
                    ctx.close();
                    return;
                }
                metrics.silentRigsDisconnected.increment();
                LOG.warn("rig {} at {} silent for {} ms; closing the connection", rigId, ctx.channel().remoteAddress(),
                    3L * config.heartbeatIntervalMillis());
                closing = true;
                ctx.close();
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
        LOG.warn("connection {} (rig {}) failed: {}", ctx.channel().remoteAddress(), rigId, cause.toString());
        if (!closing) {
            fail(ErrorCode.INTERNAL_ERROR, "internal error");
        }
    }

    /** Answers with an ERROR frame, counts the reason, closes the connection. */
    private void fail(final ErrorCode code, final String message) {
        metrics.rejected(code);
        closing = true;
        LOG.warn("closing connection {} (rig {}): {} {}", ctx.channel().remoteAddress(), rigId, code, message);
        ctx.writeAndFlush(out.error(code, message)).addListener(ChannelFutureListener.CLOSE);
    }

    private static long nowMicros() {
        final Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    /**
     * The receive time of the frames being handled: the gateway clock read once per socket read (the frames of one
     * read arrived together), so a read of many small frames pays for one clock read, not one or two per frame.
     */
    private long receivedMicros() {
        if (readMicros == NO_TIME) {
            readMicros = nowMicros();
        }
        return readMicros;
    }

    /** The channel id's UTF-8 bytes, the Kafka key of its records, encoded once per declaration. */
    private static byte[] key(final String channelId) {
        return channelId.getBytes(StandardCharsets.UTF_8);
    }

    /** The rig id once HELLO succeeded. */
    @Override
    public String rigId() {
        return rigId;
    }

    @Override
    public boolean isActive() {
        final ChannelHandlerContext c = ctx;
        return c != null && c.channel().isActive() && !closing;
    }

    @Override
    public void supersede() {
        final ChannelHandlerContext c = ctx;
        if (c != null) {
            c.executor().execute(() -> {
                LOG.info("rig {} connected again from elsewhere; closing its older connection {}", rigId,
                    c.channel().remoteAddress());
                closing = true;
                c.close();
            });
        }
    }
}
