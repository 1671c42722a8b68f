package io.cellwatch.replay.send;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.cellwatch.replay.run.Mark;
import io.cellwatch.replay.run.Run;
import io.cellwatch.rig.SampleBatch;

/**
 * Sends one {@link Run} through a {@link RigLink}: declares the channel, sends the rows in SAMPLES frames and its
 * marks in MARK frames, paced by a {@link BatchSchedule}, then waits (bounded) until the gateway has acknowledged
 * every frame.
 *
 * <p>Sample timestamps are {@code startMicros + run time}, whatever the speed. When the connection breaks, the
 * replayer reconnects (the rig client resends what is unacknowledged, with its original sequence numbers) within a
 * budget of attempts for the whole replay, and otherwise gives up with a {@link ReplayConnectionException}.
 *
 * <p>One replay per instance. {@link #progress()} may be called from any thread while it runs.
 */
public final class Replayer {
    /** The run's channel number on the connection: a replay declares one channel. */
    public static final int CHANNEL_NO = 0;

    /** Slice of the final wait, so that a connection lost during it is noticed. */
    private static final long ACK_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final RigLink link;
    private final ReplayClock clock;
    private final ReplayOptions options;
    private final ReplayEvents events;
    private final Pacer pacer;

    // Progress: the replaying thread writes the array entry first, then the volatile count; readers read the count
    // first, so they see every entry below it.
    private int[] rowsThroughFrame;
    private volatile int framesSent;
    private volatile int rowsTotal;
    private volatile long startNanos;
    private int reconnects;
    private boolean used;

    public Replayer(final RigLink link, final ReplayClock clock, final ReplayOptions options,
                    final ReplayEvents events) {
        this.link = Objects.requireNonNull(link, "link");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.options = Objects.requireNonNull(options, "options");
        this.events = Objects.requireNonNull(events, "events");
        this.pacer = new Pacer(clock);
    }

    /**
     * Replays {@code run}.
     *
     * @return the counts; {@link ReplayResult#allAcked()} is false when the acknowledgements did not all arrive
     *         within the ack timeout
     * @throws ReplayConnectionException the connection broke and the reconnect attempts ran out
     */
    public ReplayResult replay(final Run run) throws InterruptedException, ReplayConnectionException {
        if (used) {
            throw new IllegalStateException("a Replayer replays one run");
        }
        used = true;
        final BatchSchedule schedule = BatchSchedule.plan(run, options.batchSize(), options.speed());
        rowsThroughFrame = new int[schedule.batchCount() + schedule.marks().size() + 1];
        rowsTotal = run.size();
        final long start = options.startMicros();
        final SampleBatch batch = new SampleBatch(options.batchSize());

        startNanos = clock.nanoTime();
        pacer.start();
        try {
            link.declareChannel(run.channel().toDeclaration(CHANNEL_NO));
            frameSent(0);
        } catch (IOException e) {
            frameSent(0); // kept by the link until acknowledged: the reconnect resends it
            recover(e);
        }
        final List<Mark> marks = schedule.marks();
        int m = 0;
        for (int b = 0; b < schedule.batchCount(); b++) {
            while (m < marks.size() && marks.get(m).beforeRow() <= schedule.firstRow(b)) {
                sendMark(schedule, marks.get(m), m, start, schedule.firstRow(b));
                m++;
            }
            pacer.awaitDue(schedule.dueNanos(b));
            batch.clear();
            final int end = schedule.endRow(b);
            for (int i = schedule.firstRow(b); i < end; i++) {
                batch.add(start + run.timeMicros(i), run.voltage(i), run.current(i), run.cellTemperature(i),
                    run.ambientTemperature(i), run.force(i));
            }
            try {
                link.sendSamples(CHANNEL_NO, batch);
                frameSent(end);
            } catch (IOException e) {
                frameSent(end);
                recover(e);
            }
        }
        for (; m < marks.size(); m++) {
            sendMark(schedule, marks.get(m), m, start, run.size());
        }
        final long sendNanos = pacer.elapsedNanos();
        awaitAcks();
        final long ackWaitNanos = pacer.elapsedNanos() - sendNanos;
        final ReplayProgress p = progress();
        return new ReplayResult(p.rowsSent(), p.rowsAcked(), p.framesSent(), p.framesAcked(), sendNanos,
            ackWaitNanos, reconnects, marks.size());
    }

    /** Sends one MARK frame when it is due; {@code rowsThrough} rows have been sent before it. */
    private void sendMark(final BatchSchedule schedule, final Mark mark, final int index, final long start,
                          final int rowsThrough) throws InterruptedException, ReplayConnectionException {
        pacer.awaitDue(schedule.markDueNanos(index));
        try {
            link.sendMark(CHANNEL_NO, mark.type(), start + mark.runMicros());
            frameSent(rowsThrough);
        } catch (IOException e) {
            frameSent(rowsThrough);
            recover(e);
        }
    }

    /** Counts and rows so far; callable from any thread. */
    public ReplayProgress progress() {
        final int frames = framesSent;
        if (frames == 0) {
            return new ReplayProgress(rowsTotal, 0, 0, 0, 0, 0);
        }
        final int acked = Math.max(0, Math.min(frames, frames - link.unackedCount()));
        return new ReplayProgress(rowsTotal, rowsThroughFrame[frames - 1], acked == 0 ? 0 : rowsThroughFrame[acked - 1],
            frames, acked, clock.nanoTime() - startNanos);
    }

    private void frameSent(final int rowsThrough) {
        final int f = framesSent;
        rowsThroughFrame[f] = rowsThrough;
        framesSent = f + 1;
    }

    /** Waits until nothing is unacknowledged or the ack timeout has passed. */
    private void awaitAcks() throws InterruptedException, ReplayConnectionException {
        final long deadline = clock.nanoTime() + options.ackTimeout().toNanos();
        while (link.unackedCount() > 0) {
            if (!link.isConnected()) {
                recover(null);
            }
            final long left = deadline - clock.nanoTime();
            if (left <= 0) {
                return;
            }
            final long last = link.lastUnackedSequence();
            if (last < 0) {
                return;
            }
            link.awaitAcked(last, Duration.ofNanos(Math.min(left, ACK_POLL_NANOS)));
        }
    }

    /** Reconnects within the budget of attempts left, with doubling back-off. */
    private void recover(final IOException cause) throws InterruptedException, ReplayConnectionException {
        events.onConnectionLost(cause);
        final String rejection = link.rejection();
        if (rejection != null) {
            throw new ReplayConnectionException("the gateway rejected the replay (" + rejection
                + "); resending cannot fix that, so no reconnect", cause);
        }
        Throwable last = cause;
        long backoff = options.reconnectBackoff().toNanos();
        while (reconnects < options.reconnectAttempts()) {
            reconnects++;
            if (backoff > 0) {
                clock.sleepNanos(backoff);
            }
            backoff = Math.min(MAX_BACKOFF_NANOS, backoff * 2);
            final int resend = link.unackedCount();
            try {
                link.reconnect(options.connectTimeout());
                events.onReconnected(reconnects, resend);
                return;
            } catch (IOException | TimeoutException e) {
                last = e;
                events.onReconnectFailed(reconnects, e);
                if (link.rejection() != null) { // e.g. the rig's token is no longer accepted
                    throw new ReplayConnectionException("the gateway rejected the replay (" + link.rejection()
                        + "); no further reconnect", e);
                }
            }
        }
        throw new ReplayConnectionException("connection to the gateway lost"
            + (options.reconnectAttempts() == 0 ? " (reconnecting is off)"
                : " and all " + options.reconnectAttempts() + " reconnect attempts are used")
            + (last == null ? "" : ": " + last.getMessage()), last);
    }
}
