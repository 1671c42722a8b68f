package io.cellwatch.jobs.stop;

/**
 * A record the job could not use, with why and where it came from. Sent to the dead-letter topic; never dropped
 * silently, never a reason to fail the job. A Flink POJO.
 */
public class DeadLetter {
    public String channelId;
    public String reason;
    public int partition;
    public long offset;
    public byte[] value;

    public DeadLetter() {
    }

    public DeadLetter(final String channelId, final String reason, final int partition, final long offset,
                      final byte[] value) {
        this.channelId = channelId;
        this.reason = reason;
        this.partition = partition;
        this.offset = offset;
        this.value = value;
    }
}
