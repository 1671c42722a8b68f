package io.cellwatch.gateway.board;

import io.cellwatch.core.codec.SamplesFlyweight;

/**
 * One pass over a SAMPLES frame for everything the gateway needs from all of its samples: the newest sample time
 * (the future-time check) and the range of the voltages (the live board's history bucket). Reading each sample
 * once instead of once per consumer is what keeps the gateway thread near the floor at large frames.
 *
 * <p>Mutable and reused, so one instance per rig session, used only on its event loop.
 *
 * <p>The voltage range skips absent (NaN) voltages and starts from +/-infinity, so it folds into a history bucket
 * with the same strict comparisons the bucket would have applied sample by sample (see
 * {@link ChannelView#addFrame}).
 */
public final class SamplesFrameScan {
    private long newestMicros;
    private float minVoltage;
    private float maxVoltage;

    /** Scans the frame's {@code f.sampleCount()} samples; the flyweight must already be wrapped on the frame. */
    public SamplesFrameScan scan(final SamplesFlyweight f) {
        long newest = Long.MIN_VALUE;
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0, n = f.sampleCount(); i < n; i++) {
            newest = Math.max(newest, f.timestampMicros(i));
            final float v = f.voltage(i);
            // strict comparisons, as the history bucket's: NaN never wins, and of equal values (0.0 / -0.0) the
            // first one stays
            if (v < min) {
                min = v;
            }
            if (v > max) {
                max = v;
            }
        }
        newestMicros = newest;
        minVoltage = min;
        maxVoltage = max;
        return this;
    }

    /** The newest sample time of the scanned frame; {@link Long#MIN_VALUE} for a frame without samples. */
    public long newestMicros() {
        return newestMicros;
    }

    /** The smallest voltage that is not NaN, or +infinity if there is none. */
    float minVoltage() {
        return minVoltage;
    }

    /** The largest voltage that is not NaN, or -infinity if there is none. */
    float maxVoltage() {
        return maxVoltage;
    }
}
