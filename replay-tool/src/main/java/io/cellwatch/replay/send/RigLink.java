package io.cellwatch.replay.send;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import io.cellwatch.core.model.ChannelDeclaration;
import io.cellwatch.rig.SampleBatch;

/**
 * The part of a rig connection a replay uses: {@link RigClientLink} over the real {@link io.cellwatch.rig.RigClient},
 * a fake in unit tests. The contract is the rig client's: a sequenced frame is kept until acknowledged, even when its
 * write failed, and {@link #reconnect} resends the declarations and every unacknowledged frame.
 */
public interface RigLink extends AutoCloseable {
    /** Sends a CHANNEL frame; returns its sequence number. */
    long declareChannel(ChannelDeclaration declaration) throws IOException;

    /** Sends a SAMPLES frame; returns its sequence number. */
    long sendSamples(int channelNo, SampleBatch batch) throws IOException;

    /** Sends a MARK frame; returns its sequence number. */
    long sendMark(int channelNo, int markType, long timestampMicros) throws IOException;

    /** Number of sequenced frames not yet acknowledged. */
    int unackedCount();

    /** Highest sequence number not yet acknowledged, or -1 when everything is. */
    long lastUnackedSequence();

    /** Waits until {@code sequence} is acknowledged; false on timeout. */
    boolean awaitAcked(long sequence, Duration timeout) throws InterruptedException;

    boolean isConnected();

    /**
     * The gateway's last ERROR when resending cannot fix it (a rejected frame, a refused rig), as text for people;
     * null when there was none or it was retriable ({@code CHANNEL_CONFLICT}, {@code UNAVAILABLE},
     * {@code INTERNAL_ERROR}).
     */
    String rejection();

    /** Connects again and resends what is unacknowledged. */
    void reconnect(Duration timeout) throws IOException, InterruptedException, TimeoutException;

    @Override
    void close();
}
