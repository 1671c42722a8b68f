package io.cellwatch.replay.send;

/**
 * A snapshot of a running replay. Frames count the CHANNEL frame too; acknowledged counts can lag the truth by a
 * frame while a send is in flight, never lead it.
 *
 * @param rowsTotal   rows in the run
 * @param rowsSent    rows handed to the connection
 * @param rowsAcked   rows the gateway acknowledged (stored in Kafka)
 * @param framesSent  sequenced frames sent (CHANNEL and SAMPLES)
 * @param framesAcked sequenced frames acknowledged
 * @param elapsedNanos time since the replay started
 */
public record ReplayProgress(int rowsTotal, int rowsSent, int rowsAcked, int framesSent, int framesAcked,
                             long elapsedNanos) {
}
