package io.cellwatch.jobs.kafka;

import java.util.Arrays;
import java.util.Objects;

/**
 * One record of the samples topic as the job carries it: the channel id (the Kafka key) and the raw value
 * (envelope + rig frame, see TelemetryRecordFlyweight). Kept as bytes so a batch of samples crosses the network
 * and the state backend as one byte array, decoded in place by flyweights. Shaped as a Flink POJO (public fields,
 * no-arg constructor), never Kryo; the job's source declares {@link TelemetryRecordTypeInfo}, whose serializer
 * writes the fields directly. {@code partition} and {@code offset} are only read for dead letters, to say where a
 * bad record lies in the topic.
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

    @Override
    public boolean equals(final Object o) {
        return o instanceof TelemetryRecord r && partition == r.partition && offset == r.offset
            && Objects.equals(channelId, r.channelId) && Arrays.equals(value, r.value);
    }

    @Override
    public int hashCode() {
        return 31 * Objects.hash(channelId, partition, offset) + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "TelemetryRecord[" + channelId + ", " + (value == null ? "null" : value.length + " bytes") + ", "
            + partition + "@" + offset + "]";
    }
}
