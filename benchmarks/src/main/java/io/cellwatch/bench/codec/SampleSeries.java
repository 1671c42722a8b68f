package io.cellwatch.bench.codec;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import io.cellwatch.core.codec.SamplesFlyweight;
import org.agrona.BufferUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A deterministic series of charge samples, the one input every benchmark variant is built from, so all variants
 * see the same values. The voltage swings around the default upper charge voltage limit (4.25 V) with a period of
 * {@value #VOLTAGE_PERIOD_SAMPLES} samples, from about 4.16 V to 4.28 V plus a little noise: the upper charge
 * voltage rule fires and clears once per period, and every period ends below the re-arm level. Cell and ambient
 * temperature are present, force is absent (a charger, not a press).
 */
public final class SampleSeries {
    public static final String CHANNEL_ID = "press-01/ch03";
    public static final int CHANNEL_NO = 3;
    public static final long SEQUENCE = 1_767_225_600_000_000L;
    /** 2026-01-01T00:00:00Z in us. */
    public static final long START_MICROS = 1_767_225_600_000_000L;
    /** 1 kHz sampling. */
    public static final long SAMPLE_PERIOD_MICROS = 1_000L;
    public static final int VOLTAGE_PERIOD_SAMPLES = 64;

    private final long[] timestampMicros;
    private final float[] voltage;
    private final float[] current;
    private final float[] cellTemperature;
    private final float[] ambientTemperature;
    private final float[] force;

    private SampleSeries(final int count) {
        timestampMicros = new long[count];
        voltage = new float[count];
        current = new float[count];
        cellTemperature = new float[count];
        ambientTemperature = new float[count];
        force = new float[count];
    }

    /** A series from columns of equal length (copied); NaN optional values are absent. */
    public static SampleSeries of(final long[] timestampMicros, final float[] voltage, final float[] current,
                                  final float[] cellTemperature, final float[] ambientTemperature,
                                  final float[] force) {
        final SampleSeries s = new SampleSeries(voltage.length);
        System.arraycopy(timestampMicros, 0, s.timestampMicros, 0, voltage.length);
        System.arraycopy(voltage, 0, s.voltage, 0, voltage.length);
        System.arraycopy(current, 0, s.current, 0, voltage.length);
        System.arraycopy(cellTemperature, 0, s.cellTemperature, 0, voltage.length);
        System.arraycopy(ambientTemperature, 0, s.ambientTemperature, 0, voltage.length);
        System.arraycopy(force, 0, s.force, 0, voltage.length);
        return s;
    }

    /** {@code count} samples; the same seed gives the same series. */
    public static SampleSeries generate(final int count, final long seed) {
        final SampleSeries s = new SampleSeries(count);
        final SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < count; i++) {
            final double phase = 2 * Math.PI * (i % VOLTAGE_PERIOD_SAMPLES) / VOLTAGE_PERIOD_SAMPLES;
            s.timestampMicros[i] = START_MICROS + i * SAMPLE_PERIOD_MICROS;
            s.voltage[i] = (float) (4.22 + 0.06 * Math.sin(phase) + random.nextDouble(-0.002, 0.002));
            s.current[i] = (float) (1.5 + random.nextDouble(-0.01, 0.01));
            s.cellTemperature[i] = (float) (25.0 + 0.01 * i + random.nextDouble(-0.05, 0.05));
            s.ambientTemperature[i] = (float) (22.0 + random.nextDouble(-0.05, 0.05));
            s.force[i] = Float.NaN;
        }
        return s;
    }

    public int count() {
        return voltage.length;
    }

    public long timestampMicros(final int i) {
        return timestampMicros[i];
    }

    public float voltage(final int i) {
        return voltage[i];
    }

    public float current(final int i) {
        return current[i];
    }

    public float cellTemperature(final int i) {
        return cellTemperature[i];
    }

    public float ambientTemperature(final int i) {
        return ambientTemperature[i];
    }

    public float force(final int i) {
        return force[i];
    }

    /** A copy of the voltages, as a decoder that writes columns would hand them to the rules. */
    public float[] voltages() {
        return voltage.clone();
    }

    /** The series as a SAMPLES frame in a fresh, 64-byte-aligned direct buffer of exactly the frame's length. */
    public UnsafeBuffer encodeFrame() {
        final int length = SamplesFlyweight.frameLength(count());
        final ByteBuffer direct = BufferUtil.allocateDirectAligned(align64(length), 64);
        final UnsafeBuffer buffer = new UnsafeBuffer(direct, 0, length);
        encodeFrame(buffer, 0);
        return buffer;
    }

    /** Writes the series as a SAMPLES frame at {@code offset}; returns the frame length. */
    public int encodeFrame(final MutableDirectBuffer buffer, final int offset) {
        final int length = SamplesFlyweight.encodeHeader(buffer, offset, SEQUENCE, CHANNEL_NO, count());
        for (int i = 0; i < count(); i++) {
            SamplesFlyweight.putSample(buffer, offset, i, timestampMicros[i], voltage[i], current[i],
                cellTemperature[i], ambientTemperature[i], force[i]);
        }
        return length;
    }

    /** The series as objects, the way the object-per-sample baselines hold it. */
    public List<Sample> toSamples() {
        final List<Sample> samples = new ArrayList<>(count());
        for (int i = 0; i < count(); i++) {
            samples.add(new Sample(timestampMicros[i], voltage[i], current[i], cellTemperature[i],
                ambientTemperature[i], force[i], flags(i)));
        }
        return samples;
    }

    /** Sample {@code i} as the JSON-per-sample baseline's object. */
    public SampleJson toJson(final int i) {
        return new SampleJson(CHANNEL_ID, SEQUENCE + i, timestampMicros[i], voltage[i], current[i],
            boxOrNull(cellTemperature[i]), boxOrNull(ambientTemperature[i]), boxOrNull(force[i]));
    }

    /** The flags word {@link SamplesFlyweight#putSample} writes for sample {@code i}. */
    public int flags(final int i) {
        int flags = 0;
        if (!Float.isNaN(cellTemperature[i])) {
            flags |= SamplesFlyweight.FLAG_CELL_TEMPERATURE;
        }
        if (!Float.isNaN(ambientTemperature[i])) {
            flags |= SamplesFlyweight.FLAG_AMBIENT;
        }
        if (!Float.isNaN(force[i])) {
            flags |= SamplesFlyweight.FLAG_FORCE;
        }
        return flags;
    }

    private static Float boxOrNull(final float v) {
        return Float.isNaN(v) ? null : v;
    }

    private static int align64(final int length) {
        return (length + 63) & ~63;
    }
}
