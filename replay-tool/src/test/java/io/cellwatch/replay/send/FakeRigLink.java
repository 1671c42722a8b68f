package io.cellwatch.replay.send;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import io.cellwatch.core.model.ChannelDeclaration;
import io.cellwatch.rig.SampleBatch;

/**
 * A RigLink that keeps frames like the rig client (unacknowledged until acked, kept even when the write fails) and
 * records the clock at each send.
 */
final class FakeRigLink implements RigLink {
    private final FakeClock clock;
    final List<ChannelDeclaration> declarations = new ArrayList<>();
    final List<Integer> batchSizes = new ArrayList<>();
    /** Every sequenced frame in send order: "CHANNEL", "SAMPLES n" or "MARK type@time". */
    final List<String> frames = new ArrayList<>();
    final List<Long> sendTimes = new ArrayList<>();
    final TreeSet<Long> unacked = new TreeSet<>();
    boolean ackEverything = true;
    /** Sends (0-based, counting CHANNEL) whose write fails. */
    final List<Integer> failingSends = new ArrayList<>();
    int reconnectFailures;
    int reconnects;
    boolean connected = true;
    boolean closed;
    String rejection;
    /** Becomes the rejection when a reconnect fails (the gateway answered HELLO with a permanent ERROR). */
    String rejectionOnFailedReconnect;
    /** Clock time each SAMPLES write takes. */
    long sendCostNanos;
    private long nextSequence = 1000;
    private int sends;

    FakeRigLink(final FakeClock clock) {
        this.clock = clock;
    }

    @Override
    public long declareChannel(final ChannelDeclaration declaration) throws IOException {
        declarations.add(declaration);
        frames.add("CHANNEL");
        return sequenced();
    }

    @Override
    public long sendSamples(final int channelNo, final SampleBatch batch) throws IOException {
        batchSizes.add(batch.size());
        frames.add("SAMPLES " + batch.size());
        sendTimes.add(clock.nanoTime());
        clock.advance(sendCostNanos);
        return sequenced();
    }

    @Override
    public long sendMark(final int channelNo, final int markType, final long timestampMicros) throws IOException {
        frames.add("MARK " + markType + "@" + timestampMicros);
        sendTimes.add(clock.nanoTime());
        return sequenced();
    }

    private long sequenced() throws IOException {
        final long seq = nextSequence++;
        unacked.add(seq);
        if (failingSends.contains(sends++)) {
            connected = false;
            throw new IOException("Broken pipe");
        }
        if (ackEverything) {
            unacked.clear();
        }
        return seq;
    }

    @Override
    public int unackedCount() {
        return unacked.size();
    }

    @Override
    public long lastUnackedSequence() {
        return unacked.isEmpty() ? -1 : unacked.last();
    }

    @Override
    public boolean awaitAcked(final long sequence, final Duration timeout) {
        if (ackEverything) {
            unacked.headSet(sequence, true).clear();
            return true;
        }
        clock.advance(timeout.toNanos());
        return false;
    }

    @Override
    public boolean isConnected() {
        return connected;
    }

    @Override
    public void reconnect(final Duration timeout) throws IOException {
        reconnects++;
        if (reconnectFailures > 0) {
            reconnectFailures--;
            rejection = rejectionOnFailedReconnect;
            throw new IOException("Connection refused");
        }
        connected = true;
        if (ackEverything) {
            unacked.clear();
        }
    }

    @Override
    public String rejection() {
        return rejection;
    }

    @Override
    public void close() {
        closed = true;
    }
}
