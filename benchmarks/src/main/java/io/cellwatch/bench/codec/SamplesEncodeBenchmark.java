package io.cellwatch.bench.codec;

import static io.cellwatch.core.codec.FrameDescriptor.BYTE_ORDER;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import io.cellwatch.core.codec.FrameDescriptor;
import io.cellwatch.core.codec.FrameType;
import io.cellwatch.core.codec.SamplesFlyweight;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encoding one SAMPLES frame of {@code samples} samples (what a rig or the simulator does per batch), into a
 * reused buffer:
 * <ul>
 *   <li>{@link #flyweight}: ours, {@link SamplesFlyweight#encodeHeader} + {@link SamplesFlyweight#putSample} into a
 *       direct {@link UnsafeBuffer};</li>
 *   <li>{@link #baselineAgronaChecked}: the flyweight's previous write path, one bounds-checked Agrona put per
 *       field, kept as the before-figure of the change to {@link SamplesFlyweight#putSample};</li>
 *   <li>{@link #baselineByteBuffer}: the same bytes written with relative puts into a heap little-endian
 *       {@code ByteBuffer}.</li>
 * </ul>
 * {@link Frames#setup} checks that all three write identical bytes. A score is per frame; divide by {@code samples}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
    "-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-XX:+AlwaysPreTouch"})
public class SamplesEncodeBenchmark {

    /** The samples to encode and the two reused output buffers. */
    @State(Scope.Thread)
    public static class Frames {
        @Param({"256"})
        public int samples;

        SampleSeries series;
        UnsafeBuffer out;
        UnsafeBuffer checkedOut;
        ByteBuffer baselineOut;

        @Setup(Level.Trial)
        public void setup() {
            series = SampleSeries.generate(samples, 42);
            final int length = SamplesFlyweight.frameLength(samples);
            out = new UnsafeBuffer(BufferUtil.allocateDirectAligned((length + 63) & ~63, 64), 0, length);
            checkedOut = new UnsafeBuffer(BufferUtil.allocateDirectAligned((length + 63) & ~63, 64), 0, length);
            baselineOut = ByteBuffer.allocate(length).order(BYTE_ORDER);

            final int a = encodeFlyweight(this);
            final int b = encodeByteBuffer(this);
            final int c = encodeAgronaChecked(this);
            final byte[] ours = new byte[a];
            out.getBytes(0, ours);
            final byte[] theirs = new byte[b];
            System.arraycopy(baselineOut.array(), 0, theirs, 0, b);
            final byte[] checked = new byte[c];
            checkedOut.getBytes(0, checked);
            if (a != length || !Arrays.equals(ours, theirs) || !Arrays.equals(ours, checked)) {
                throw new IllegalStateException("the encoders disagree: " + a + " vs " + b + " vs " + c + " bytes");
            }
        }
    }

    @Benchmark
    public int flyweight(final Frames f) {
        return encodeFlyweight(f);
    }

    @Benchmark
    public int baselineAgronaChecked(final Frames f) {
        return encodeAgronaChecked(f);
    }

    @Benchmark
    public int baselineByteBuffer(final Frames f) {
        return encodeByteBuffer(f);
    }

    static int encodeFlyweight(final Frames f) {
        final SampleSeries s = f.series;
        final UnsafeBuffer out = f.out;
        final int n = s.count();
        final int length = SamplesFlyweight.encodeHeader(out, 0, SampleSeries.SEQUENCE, SampleSeries.CHANNEL_NO, n);
        for (int i = 0; i < n; i++) {
            SamplesFlyweight.putSample(out, 0, i, s.timestampMicros(i), s.voltage(i), s.current(i),
                s.cellTemperature(i), s.ambientTemperature(i), s.force(i));
        }
        return length;
    }

    static int encodeAgronaChecked(final Frames f) {
        final SampleSeries s = f.series;
        final UnsafeBuffer out = f.checkedOut;
        final int n = s.count();
        final int length = SamplesFlyweight.encodeHeader(out, 0, SampleSeries.SEQUENCE, SampleSeries.CHANNEL_NO, n);
        for (int i = 0; i < n; i++) {
            putSampleChecked(out, 0, i, s.timestampMicros(i), s.voltage(i), s.current(i), s.cellTemperature(i),
                s.ambientTemperature(i), s.force(i));
        }
        return length;
    }

    /** {@link SamplesFlyweight#putSample} as it was before its single range check: every field a checked put. */
    static void putSampleChecked(final UnsafeBuffer buffer, final int offset, final int index,
                                 final long timestampMicros, final float voltage, final float current,
                                 final float cellTemperature, final float ambientTemperature, final float force) {
        final int base = offset + SamplesFlyweight.SAMPLES_OFFSET + index * SamplesFlyweight.SAMPLE_LENGTH;
        final int flags = flags(cellTemperature, ambientTemperature, force);
        buffer.putLong(base + SamplesFlyweight.TIMESTAMP_OFFSET, timestampMicros, BYTE_ORDER);
        buffer.putFloat(base + SamplesFlyweight.VOLTAGE_OFFSET, voltage, BYTE_ORDER);
        buffer.putFloat(base + SamplesFlyweight.CURRENT_OFFSET, current, BYTE_ORDER);
        buffer.putFloat(base + SamplesFlyweight.CELL_TEMPERATURE_OFFSET,
            (flags & SamplesFlyweight.FLAG_CELL_TEMPERATURE) != 0 ? cellTemperature : 0f, BYTE_ORDER);
        buffer.putFloat(base + SamplesFlyweight.AMBIENT_TEMPERATURE_OFFSET,
            (flags & SamplesFlyweight.FLAG_AMBIENT) != 0 ? ambientTemperature : 0f, BYTE_ORDER);
        buffer.putFloat(base + SamplesFlyweight.FORCE_OFFSET,
            (flags & SamplesFlyweight.FLAG_FORCE) != 0 ? force : 0f, BYTE_ORDER);
        buffer.putInt(base + SamplesFlyweight.FLAGS_OFFSET, flags, BYTE_ORDER);
    }

    static int encodeByteBuffer(final Frames f) {
        final SampleSeries s = f.series;
        final ByteBuffer out = f.baselineOut;
        final int n = s.count();
        out.clear();
        out.putInt(SamplesFlyweight.frameLength(n))
            .put((byte) FrameType.SAMPLES)
            .put((byte) FrameDescriptor.LAYOUT_VERSION)
            .putShort((short) 0)
            .putLong(SampleSeries.SEQUENCE)
            .putShort((short) SampleSeries.CHANNEL_NO)
            .putShort((short) SamplesFlyweight.SAMPLE_LENGTH)
            .putInt(n);
        for (int i = 0; i < n; i++) {
            final float cellTemperature = s.cellTemperature(i);
            final float ambientTemperature = s.ambientTemperature(i);
            final float force = s.force(i);
            final int flags = flags(cellTemperature, ambientTemperature, force);
            out.putLong(s.timestampMicros(i))
                .putFloat(s.voltage(i))
                .putFloat(s.current(i))
                .putFloat((flags & SamplesFlyweight.FLAG_CELL_TEMPERATURE) != 0 ? cellTemperature : 0f)
                .putFloat((flags & SamplesFlyweight.FLAG_AMBIENT) != 0 ? ambientTemperature : 0f)
                .putFloat((flags & SamplesFlyweight.FLAG_FORCE) != 0 ? force : 0f)
                .putInt(flags);
        }
        return out.position();
    }

    /** The flags word of a sample: which optional values it carries (NaN = absent), as the wire format has it. */
    private static int flags(final float cellTemperature, final float ambientTemperature, final float force) {
        int flags = 0;
        if (!Float.isNaN(cellTemperature)) {
            flags |= SamplesFlyweight.FLAG_CELL_TEMPERATURE;
        }
        if (!Float.isNaN(ambientTemperature)) {
            flags |= SamplesFlyweight.FLAG_AMBIENT;
        }
        if (!Float.isNaN(force)) {
            flags |= SamplesFlyweight.FLAG_FORCE;
        }
        return flags;
    }
}
