package io.cellwatch.rig;

import java.io.IOException;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Groups one channel's samples into SAMPLES frames, so a rig can hand over samples one at a time and still send
 * few, full frames: a frame goes out when it holds {@code maxSamples}, or when its oldest sample has waited
 * {@code maxDelay}. The delay is checked on every {@link #add} and by {@link #flushDue}, which a rig calls from its
 * sampling loop or a timer when samples may stop coming (the batcher starts no thread of its own: a rig decides
 * where its I/O runs). Not thread-safe: one batcher per channel, used by one thread.
 *
 * <p>Sizing: the gateway ACKs per frame and the job reads per frame, so bigger frames cost less per sample; the
 * delay bounds how late a sample reaches the rules. 100-1,000 samples and 10-100 ms suit most rigs (docs/protocol.md,
 * section 12).
 */
public final class SampleBatcher {
    /** What sends one full batch; {@link RigClient#sendSamples} in production. */
    @FunctionalInterface
    interface Sender {
        long send(int channelNo, SampleBatch batch) throws IOException;
    }

    private final Sender sender;
    private final int channelNo;
    private final int maxSamples;
    private final long maxDelayNanos;
    private final LongSupplier nanoClock;
    private final SampleBatch batch;
    private long oldestAtNanos;

    /**
     * @param client     the connection to send on (it resends unacknowledged frames itself)
     * @param channelNo  the channel number declared on {@code client}
     * @param maxSamples samples per frame, 1..4096 (the protocol's limit per SAMPLES frame is the frame size)
     * @param maxDelay   longest a sample waits in the batch, > 0
     */
    public SampleBatcher(final RigClient client, final int channelNo, final int maxSamples, final Duration maxDelay) {
        this(client::sendSamples, channelNo, maxSamples, maxDelay, System::nanoTime);
    }

    SampleBatcher(final Sender sender, final int channelNo, final int maxSamples, final Duration maxDelay,
                  final LongSupplier nanoClock) {
        if (maxSamples < 1 || maxSamples > 4096) {
            throw new IllegalArgumentException("maxSamples must be 1..4096, got " + maxSamples);
        }
        if (maxDelay.isNegative() || maxDelay.isZero()) {
            throw new IllegalArgumentException("maxDelay must be > 0, got " + maxDelay);
        }
        this.sender = sender;
        this.channelNo = channelNo;
        this.maxSamples = maxSamples;
        this.maxDelayNanos = maxDelay.toNanos();
        this.nanoClock = nanoClock;
        this.batch = new SampleBatch(maxSamples);
    }

    /**
     * Adds one sample (absent optional values as NaN); sends the batch if it is full or its oldest sample is due.
     *
     * @return the sequence number of the frame sent, or -1 if the sample waits in the batch
     */
    public long add(final long timestampMicros, final float voltage, final float current,
                    final float cellTemperature, final float ambientTemperature, final float force)
        throws IOException {
        final long now = nanoClock.getAsLong();
        if (batch.size() == 0) {
            oldestAtNanos = now;
        }
        batch.add(timestampMicros, voltage, current, cellTemperature, ambientTemperature, force);
        return batch.size() >= maxSamples || now - oldestAtNanos >= maxDelayNanos ? flush() : -1;
    }

    /** Sends the batch if its oldest sample has waited {@code maxDelay}; returns the frame's sequence or -1. */
    public long flushDue() throws IOException {
        return batch.size() > 0 && nanoClock.getAsLong() - oldestAtNanos >= maxDelayNanos ? flush() : -1;
    }

    /** Sends whatever is in the batch now (e.g. before a MARK, so the frames stay in time order); -1 if empty. */
    public long flush() throws IOException {
        if (batch.size() == 0) {
            return -1;
        }
        final long sequence = sender.send(channelNo, batch);
        batch.clear();
        return sequence;
    }

    /** Samples waiting in the batch. */
    public int pending() {
        return batch.size();
    }
}
