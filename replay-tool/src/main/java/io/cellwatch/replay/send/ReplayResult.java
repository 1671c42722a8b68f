package io.cellwatch.replay.send;

/**
 * The outcome of a replay.
 *
 * @param rowsSent     rows sent
 * @param rowsAcked    rows acknowledged by the gateway
 * @param framesSent   sequenced frames sent (one CHANNEL plus the SAMPLES and MARK frames)
 * @param framesAcked  sequenced frames acknowledged
 * @param sendNanos    time from the start to the last send
 * @param ackWaitNanos time spent waiting for the acknowledgements after the last send
 * @param reconnects   reconnects made
 * @param marksSent    MARK frames among the frames sent
 */
public record ReplayResult(int rowsSent, int rowsAcked, int framesSent, int framesAcked, long sendNanos,
                           long ackWaitNanos, int reconnects, int marksSent) {

    /** Whether the gateway acknowledged every frame. */
    public boolean allAcked() {
        return framesAcked == framesSent;
    }
}
