package io.cellwatch.bench.load;

/** The naive baseline's alert: which channel crossed the limit at which sample; JSON on the alerts topic. */
public final class NaiveAlert {
    public String rigId;
    public int channelNo;
    public String channelId;
    public long sampleTimeMicros;
    public double voltage;

    public NaiveAlert() {
    }

    static NaiveAlert of(final NaiveSample s) {
        final NaiveAlert a = new NaiveAlert();
        a.rigId = s.rigId;
        a.channelNo = s.channelNo;
        a.channelId = s.channelId;
        a.sampleTimeMicros = s.timestampMicros;
        a.voltage = s.voltage;
        return a;
    }
}
