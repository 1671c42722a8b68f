package io.cellwatch.replay.send;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link Replayer} sends a run.
 *
 * @param batchSize         rows per SAMPLES frame, 1..{@link BatchSchedule#MAX_BATCH_SIZE}
 * @param speed             pacing
 * @param startMicros       rig time of run time 0, microseconds since the epoch: sample time = start + run time
 * @param ackTimeout        how long to wait after the last send for the gateway to acknowledge every frame
 * @param connectTimeout    timeout of one reconnect (TCP connect and HELLO)
 * @param reconnectAttempts reconnect attempts allowed over the whole replay (0 = give up on the first break)
 * @param reconnectBackoff  pause before the first reconnect attempt; doubled for each further one, at most 10 s
 */
public record ReplayOptions(int batchSize, ReplaySpeed speed, long startMicros, Duration ackTimeout,
                            Duration connectTimeout, int reconnectAttempts, Duration reconnectBackoff) {
    public ReplayOptions {
        Objects.requireNonNull(speed, "speed");
        Objects.requireNonNull(ackTimeout, "ackTimeout");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(reconnectBackoff, "reconnectBackoff");
        if (batchSize < 1 || batchSize > BatchSchedule.MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("batch size must be 1.." + BatchSchedule.MAX_BATCH_SIZE + ", got "
                + batchSize);
        }
        if (reconnectAttempts < 0) {
            throw new IllegalArgumentException("reconnect attempts must be 0 or more, got " + reconnectAttempts);
        }
        if (ackTimeout.isNegative() || connectTimeout.isNegative() || reconnectBackoff.isNegative()) {
            throw new IllegalArgumentException("timeouts must not be negative");
        }
    }
}
