package io.cellwatch.bench.load;

/**
 * The naive baseline's event: one object per sample, carried as one JSON Kafka record. It repeats the channel, the
 * rig and the frame's sequence in every sample, because a record per sample has no frame to carry them. A Flink
 * POJO (public fields, no-argument constructor), so Flink serialises it without Kryo.
 */
public final class NaiveSample {
    public String rigId;
    public int channelNo;
    public String channelId;
    public long sequence;
    public int index;
    public long timestampMicros;
    public double voltage;
    public double current;
    public double cellTemperature;

    public NaiveSample() {
    }
}
