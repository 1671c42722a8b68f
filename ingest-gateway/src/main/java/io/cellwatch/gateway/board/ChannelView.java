package io.cellwatch.gateway.board;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cellwatch.core.codec.SamplesFlyweight;

/**
 * One channel as a screen shows it: identity, latest values, the limits to draw, and a decimated history (per time
 * bucket: min and max voltage, and the last current and temperatures), which is what a chart can show; a screen
 * never gets raw 10 kHz data. Guarded by its own monitor: rig event loops write, HTTP and feed threads read.
 */
public final class ChannelView {
    /** Width of one history bucket. */
    public static final long BUCKET_MILLIS = 500;
    /** Buckets kept: 5 minutes. */
    public static final int BUCKETS = 600;

    final String channelId;
    String rigId;
    String cellSerial;
    String lot;
    String procedure;
    final Map<String, Double> limits = new LinkedHashMap<>();
    boolean connected;
    long lastSeenMillis;
    float voltage = Float.NaN;
    float current = Float.NaN;
    float cellTemperature = Float.NaN;
    float ambientTemperature = Float.NaN;
    float force = Float.NaN;
    /** Unacknowledged safety alert / stop condition met (procedure alert, or an acknowledged safety alert). */
    boolean safetyAlert;
    boolean stopConditionMet;
    boolean silentAlert;
    /** Whether {@link ChannelBoard#noticeSilence} last saw this channel's data as too old. */
    boolean silentByTime;
    /** The board's clock value at this channel's latest change, so the live feed sends only what changed. */
    long version;

    private final long[] bucketStart = new long[BUCKETS];
    private final float[] vMin = new float[BUCKETS];
    private final float[] vMax = new float[BUCKETS];
    private final float[] iLast = new float[BUCKETS];
    private final float[] tCell = new float[BUCKETS];
    private final float[] tAmb = new float[BUCKETS];
    private int newest = -1;

    ChannelView(final String channelId) {
        this.channelId = channelId;
    }

    /**
     * Adds one SAMPLES frame, all of it received at {@code wallMillis}, to the history: the bucket's min and max
     * voltage from the frame's {@code scan} (no pass of its own over the samples), and the frame's last sample for
     * current and temperatures (allocation-free).
     *
     * <p>Gives exactly what adding the samples one by one gave: a new bucket starts from the frame's first voltage,
     * and the frame's range folds in with the same strict comparisons, so an absent (NaN) voltage is skipped except
     * as a bucket's first value (the scan's range has no NaN in it, and its +/-infinity when the frame has no
     * voltage changes nothing).
     */
    void addFrame(final long wallMillis, final SamplesFlyweight f, final int n, final SamplesFrameScan scan) {
        final long start = wallMillis - Math.floorMod(wallMillis, BUCKET_MILLIS);
        float min;
        float max;
        if (newest < 0 || bucketStart[newest] != start) {
            newest = (newest + 1) % BUCKETS;
            bucketStart[newest] = start;
            min = f.voltage(0);
            max = min;
        } else {
            min = vMin[newest];
            max = vMax[newest];
        }
        if (scan.minVoltage() < min) {
            min = scan.minVoltage();
        }
        if (scan.maxVoltage() > max) {
            max = scan.maxVoltage();
        }
        vMin[newest] = min;
        vMax[newest] = max;
        final int last = n - 1;
        final int flags = f.flags(last);
        iLast[newest] = f.current(last);
        tCell[newest] = f.cellTemperature(last, flags);
        tAmb[newest] = f.ambientTemperature(last, flags);
    }

    /**
     * History buckets, oldest first, as {t ms, V min, V max, I, T cell, T ambient}: t a whole number, readings
     * rounded to 1e-6 (they are f32; more digits are noise) and absent ones null (JSON has no NaN).
     */
    List<Object[]> history() {
        final List<Object[]> out = new ArrayList<>();
        if (newest < 0) {
            return out;
        }
        for (int k = 1; k <= BUCKETS; k++) {
            final int idx = (newest + k) % BUCKETS;
            if (bucketStart[idx] != 0) {
                out.add(point(idx));
            }
        }
        return out;
    }

    /** The newest bucket (same layout as {@link #history()}), or null. */
    Object[] latestPoint() {
        return newest < 0 ? null : point(newest);
    }

    private Object[] point(final int idx) {
        return new Object[] {bucketStart[idx], reading(vMin[idx]), reading(vMax[idx]), reading(iLast[idx]),
            reading(tCell[idx]), reading(tAmb[idx])};
    }

    private static Double reading(final float v) {
        return Float.isFinite(v) ? Math.round(v * 1e6) / 1e6 : null;
    }

    /** The state shown on the tile. */
    String state(final long nowMillis, final long silentAfterMillis) {
        if (safetyAlert) {
            return "alert";
        }
        if (stopConditionMet) {
            return "stopped";
        }
        if (!connected) {
            return "idle";
        }
        if (silentAlert || lastSeenMillis > 0 && nowMillis - lastSeenMillis > silentAfterMillis) {
            return "silent";
        }
        return lastSeenMillis > 0 ? "running" : "idle";
    }
}
