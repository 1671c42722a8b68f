package io.cellwatch.jobs.kafka;

/**
 * One record of the samples topic as the job carries it: the channel id (the Kafka key) and the raw value
 * (envelope + rig frame, see TelemetryRecordFlyweight). Kept as bytes so a batch of samples crosses the network
 * and the state backend as one byte array, decoded in place by flyweights. A Flink POJO (public fields, no-arg
 * constructor), never Kryo.
 */
public class TelemetryRecord {
    public String channelId;
    public byte[] value;
    public int partition;
    public long offset;

    public TelemetryRecord() {
    }

    public TelemetryRecord(final String channelId, final byte[] value, final int partition, final long offset) {
        this.channelId = channelId;
        this.value = value;
        this.partition = partition;
        this.offset = offset;
    }
}
