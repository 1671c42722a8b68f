package io.cellwatch.rig;

import java.util.Arrays;

/**
 * A reusable batch of samples of one channel, filled with {@link #add} and sent as one SAMPLES frame.
 * Optional values (cell temperature, ambient, force) are NaN when absent.
 */
public final class SampleBatch {
    long[] timestampMicros;
    float[] voltage;
    float[] current;
    float[] cellTemperature;
    float[] ambientTemperature;
    float[] force;
    int size;

    public SampleBatch(final int initialCapacity) {
        final int c = Math.max(1, initialCapacity);
        timestampMicros = new long[c];
        voltage = new float[c];
        current = new float[c];
        cellTemperature = new float[c];
        ambientTemperature = new float[c];
        force = new float[c];
    }

    public SampleBatch add(final long timestampMicros, final float voltage, final float current,
                           final float cellTemperature, final float ambientTemperature, final float force) {
        if (size == this.timestampMicros.length) {
            final int c = size * 2;
            this.timestampMicros = Arrays.copyOf(this.timestampMicros, c);
            this.voltage = Arrays.copyOf(this.voltage, c);
            this.current = Arrays.copyOf(this.current, c);
            this.cellTemperature = Arrays.copyOf(this.cellTemperature, c);
            this.ambientTemperature = Arrays.copyOf(this.ambientTemperature, c);
            this.force = Arrays.copyOf(this.force, c);
        }
        this.timestampMicros[size] = timestampMicros;
        this.voltage[size] = voltage;
        this.current[size] = current;
        this.cellTemperature[size] = cellTemperature;
        this.ambientTemperature[size] = ambientTemperature;
        this.force[size] = force;
        size++;
        return this;
    }

    public int size() {
        return size;
    }

    public SampleBatch clear() {
        size = 0;
        return this;
    }
}
