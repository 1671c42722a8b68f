package io.cellwatch.replay;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.cellwatch.core.codec.ChannelFlyweight;
import io.cellwatch.core.codec.FrameType;
import io.cellwatch.core.codec.MarkFlyweight;
import io.cellwatch.core.codec.SamplesFlyweight;
import io.cellwatch.replay.evaluate.EvaluationResult;
import io.cellwatch.replay.runfile.FrameRecord;
import io.cellwatch.replay.runfile.RunFileVisitor;

/**
 * The samples of a run file, decimated for the report's charts while the file streams past: each channel's time span
 * (known from the evaluation) is cut into {@link #BUCKETS} buckets, and each bucket keeps the lowest and the highest
 * value of each series with their times. So a chart has at most {@code 2 * BUCKETS} points per series and a spike
 * of one sample still shows. Resent frames (sequence not above the last one of the channel) are skipped, as the
 * evaluation skips them. Memory does not grow with the file.
 */
final class ChartData implements RunFileVisitor {
    /** Buckets per channel; two points each at most. */
    static final int BUCKETS = 1000;

    /** Series of a channel. */
    enum Series { VOLTAGE, CURRENT, CELL_TEMPERATURE, AMBIENT_TEMPERATURE }

    /** One decimated series: per bucket the minimum and maximum with their times; empty buckets have count 0. */
    static final class Buckets {
        final long[] minT = new long[BUCKETS];
        final long[] maxT = new long[BUCKETS];
        final double[] min = new double[BUCKETS];
        final double[] max = new double[BUCKETS];
        final int[] count = new int[BUCKETS];
        long samples;

        void add(final int b, final long t, final double v) {
            if (Double.isNaN(v) || Double.isInfinite(v)) {
                return;
            }
            samples++;
            if (count[b]++ == 0) {
                min[b] = v;
                max[b] = v;
                minT[b] = t;
                maxT[b] = t;
                return;
            }
            if (v < min[b]) {
                min[b] = v;
                minT[b] = t;
            }
            if (v > max[b]) {
                max[b] = v;
                maxT[b] = t;
            }
        }

        /** The points in time order: {t, v} pairs, at most two per bucket. */
        List<double[]> points() {
            final List<double[]> pts = new ArrayList<>();
            for (int b = 0; b < BUCKETS; b++) {
                if (count[b] == 0) {
                    continue;
                }
                if (count[b] == 1 || minT[b] == maxT[b]) {
                    pts.add(new double[] {minT[b], min[b]});
                } else if (minT[b] < maxT[b]) {
                    pts.add(new double[] {minT[b], min[b]});
                    pts.add(new double[] {maxT[b], max[b]});
                } else {
                    pts.add(new double[] {maxT[b], max[b]});
                    pts.add(new double[] {minT[b], min[b]});
                }
            }
            return pts;
        }
    }

    /** The charts of one channel. */
    static final class ChannelCharts {
        final String channelId;
        final long first;
        final long last;
        final Map<Series, Buckets> series = new LinkedHashMap<>();
        final List<long[]> marks = new ArrayList<>(); // {time, type}
        /** Cell temperature and ambient at the sample times asked for (temperature-return alerts). */
        final Map<Long, double[]> probes = new HashMap<>();
        long lastSequence = Long.MIN_VALUE;

        ChannelCharts(final String channelId, final long first, final long last) {
            this.channelId = channelId;
            this.first = first;
            this.last = last;
            for (Series s : Series.values()) {
                series.put(s, new Buckets());
            }
        }

        int bucket(final long t) {
            if (last <= first) {
                return 0;
            }
            final double f = (double) (t - first) / (double) (last - first);
            return (int) Math.max(0, Math.min(BUCKETS - 1, Math.floor(f * BUCKETS)));
        }
    }

    private final Map<String, ChannelCharts> channels = new LinkedHashMap<>();
    private final Map<Integer, ChannelCharts> byNumber = new HashMap<>();
    private final Map<String, Set<Long>> probeTimes;

    /**
     * @param result     the evaluation of the same file: the channels and their time spans
     * @param probeTimes per channel id, sample times whose cell temperature is wanted
     */
    ChartData(final EvaluationResult result, final Map<String, Set<Long>> probeTimes) {
        for (EvaluationResult.Channel c : result.channels()) {
            channels.put(c.channelId(), new ChannelCharts(c.channelId(), c.firstMicros(), c.lastMicros()));
        }
        this.probeTimes = probeTimes;
    }

    /** The charts of a channel, or null. */
    ChannelCharts channel(final String channelId) {
        return channels.get(channelId);
    }

    @Override
    public void frame(final FrameRecord r) {
        switch (r.frameType()) {
            case FrameType.CHANNEL -> {
                final ChannelFlyweight f = r.channel();
                final ChannelCharts c = channels.get(f.declaration().channelId());
                if (c != null) {
                    byNumber.put(f.declaration().channelNo(), c);
                    fresh(c, f.sequence());
                }
            }
            case FrameType.SAMPLES -> samples(r.samples());
            default -> {
                final MarkFlyweight m = r.mark();
                final ChannelCharts c = byNumber.get(m.channelNo());
                if (c != null && fresh(c, m.sequence())) {
                    c.marks.add(new long[] {m.timestampMicros(), m.markType()});
                }
            }
        }
    }

    private void samples(final SamplesFlyweight f) {
        final ChannelCharts c = byNumber.get(f.channelNo());
        if (c == null || !fresh(c, f.sequence())) {
            return;
        }
        final Set<Long> probes = probeTimes.getOrDefault(c.channelId, Set.of());
        for (int i = 0; i < f.sampleCount(); i++) {
            final long t = f.timestampMicros(i);
            final int b = c.bucket(t);
            c.series.get(Series.VOLTAGE).add(b, t, f.voltage(i));
            c.series.get(Series.CURRENT).add(b, t, f.current(i));
            c.series.get(Series.CELL_TEMPERATURE).add(b, t, f.cellTemperature(i));
            c.series.get(Series.AMBIENT_TEMPERATURE).add(b, t, f.ambientTemperature(i));
            if (probes.contains(t)) {
                c.probes.put(t, new double[] {f.cellTemperature(i), f.ambientTemperature(i)});
            }
        }
    }

    private static boolean fresh(final ChannelCharts c, final long sequence) {
        if (sequence <= c.lastSequence) {
            return false;
        }
        c.lastSequence = sequence;
        return true;
    }
}
