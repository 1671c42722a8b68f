package io.cellwatch.replay.send;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
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
    /** The channel number a single-channel replay declares its run under. */
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
     * One channel of a replay: its run, the channel number it is declared under on the connection, the rig time of
     * its run time 0, and how long after the start of the whole replay (in run time) its first row or mark is due.
     *
     * @param run          the channel's rows and marks
     * @param channelNo    its number on this connection
     * @param startMicros  rig time of the run's time 0: sample time = startMicros + run time
     * @param offsetMicros run time from the replay's start to this run's first row or mark (0 for a single channel)
     */
    public record Lane(Run run, int channelNo, long startMicros, long offsetMicros) {
    }

    /**
     * Replays {@code run} as channel {@link #CHANNEL_NO}, sample times from {@link ReplayOptions#startMicros()}.
     *
     * @return the counts; {@link ReplayResult#allAcked()} is false when the acknowledgements did not all arrive
     *         within the ack timeout
     * @throws ReplayConnectionException the connection broke and the reconnect attempts ran out
     */
    public ReplayResult replay(final Run run) throws InterruptedException, ReplayConnectionException {
        return replay(List.of(new Lane(run, CHANNEL_NO, options.startMicros(), 0)));
    }

    /** One frame to send: batch or mark {@code index} of lane {@code lane}, due {@code dueNanos} after the start. */
    private record Send(long dueNanos, int lane, boolean mark, int index, int order) {
    }

    /**
     * Replays several channels over this one connection: every lane is declared first (in lane order), then the
     * batches and marks of all lanes are sent in the order they are due, each lane keeping its own order, so the
     * channels run side by side as on a rig with several channels.
     *
     * @throws ReplayConnectionException the connection broke and the reconnect attempts ran out
     */
    public ReplayResult replay(final List<Lane> lanes) throws InterruptedException, ReplayConnectionException {
        if (used) {
            throw new IllegalStateException("a Replayer replays one run");
        }
        used = true;
        final BatchSchedule[] schedules = new BatchSchedule[lanes.size()];
        final List<Send> sends = new ArrayList<>();
        int rows = 0;
        for (int l = 0; l < lanes.size(); l++) {
            final Lane lane = lanes.get(l);
            final BatchSchedule schedule = BatchSchedule.plan(lane.run(), options.batchSize(), options.speed());
            schedules[l] = schedule;
            rows += lane.run().size();
            final long offset = options.speed().wallNanos(lane.offsetMicros());
            final List<Mark> marks = schedule.marks();
            long last = 0;
            int m = 0;
            for (int b = 0; b < schedule.batchCount(); b++) {
                while (m < marks.size() && marks.get(m).beforeRow() <= schedule.firstRow(b)) {
                    last = Math.max(last, offset + schedule.markDueNanos(m));
                    sends.add(new Send(last, l, true, m++, sends.size()));
                }
                last = Math.max(last, offset + schedule.dueNanos(b));
                sends.add(new Send(last, l, false, b, sends.size()));
            }
            for (; m < marks.size(); m++) {
                last = Math.max(last, offset + schedule.markDueNanos(m));
                sends.add(new Send(last, l, true, m, sends.size()));
            }
        }
        // Due time first; a lane's frames never overtake each other (their due times never decrease).
        sends.sort((x, y) -> x.dueNanos() != y.dueNanos() ? Long.compare(x.dueNanos(), y.dueNanos())
            : Integer.compare(x.order(), y.order()));
        rowsThroughFrame = new int[sends.size() + lanes.size()];
        rowsTotal = rows;
        final SampleBatch batch = new SampleBatch(options.batchSize());

        startNanos = clock.nanoTime();
        pacer.start();
        for (Lane lane : lanes) {
            try {
                link.declareChannel(lane.run().channel().toDeclaration(lane.channelNo()));
                frameSent(0);
            } catch (IOException e) {
                frameSent(0); // kept by the link until acknowledged: the reconnect resends it
                recover(e);
            }
        }
        int rowsSent = 0;
        int marksSent = 0;
        for (Send s : sends) {
            final Lane lane = lanes.get(s.lane());
            final BatchSchedule schedule = schedules[s.lane()];
            pacer.awaitDue(s.dueNanos());
            try {
                if (s.mark()) {
                    final Mark mark = schedule.marks().get(s.index());
                    marksSent++;
                    link.sendMark(lane.channelNo(), mark.type(), lane.startMicros() + mark.runMicros());
                } else {
                    batch.clear();
                    final Run run = lane.run();
                    final int end = schedule.endRow(s.index());
                    for (int i = schedule.firstRow(s.index()); i < end; i++) {
                        batch.add(lane.startMicros() + run.timeMicros(i), run.voltage(i), run.current(i),
                            run.cellTemperature(i), run.ambientTemperature(i), run.force(i));
                    }
                    rowsSent += end - schedule.firstRow(s.index());
                    link.sendSamples(lane.channelNo(), batch);
                }
                frameSent(rowsSent);
            } catch (IOException e) {
                frameSent(rowsSent);
                recover(e);
            }
        }
        final long sendNanos = pacer.elapsedNanos();
        awaitAcks();
        final long ackWaitNanos = pacer.elapsedNanos() - sendNanos;
        final ReplayProgress p = progress();
        return new ReplayResult(p.rowsSent(), p.rowsAcked(), p.framesSent(), p.framesAcked(), sendNanos,
            ackWaitNanos, reconnects, marksSent);
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
