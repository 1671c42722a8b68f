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
 *   <li>{@link #baselineByteBuffer}: the same bytes written with relative puts into a heap little-endian
 *       {@code ByteBuffer}.</li>
 * </ul>
 * {@link Frames#setup} checks that both write identical bytes. A score is per frame; divide by {@code samples}.
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
        ByteBuffer baselineOut;

        @Setup(Level.Trial)
        public void setup() {
            series = SampleSeries.generate(samples, 42);
            final int length = SamplesFlyweight.frameLength(samples);
            out = new UnsafeBuffer(BufferUtil.allocateDirectAligned((length + 63) & ~63, 64), 0, length);
            baselineOut = ByteBuffer.allocate(length).order(BYTE_ORDER);

            final int a = encodeFlyweight(this);
            final int b = encodeByteBuffer(this);
            final byte[] ours = new byte[a];
            out.getBytes(0, ours);
            final byte[] theirs = new byte[b];
            System.arraycopy(baselineOut.array(), 0, theirs, 0, b);
            if (a != length || !Arrays.equals(ours, theirs)) {
                throw new IllegalStateException("the two encoders disagree: " + a + " vs " + b + " bytes");
            }
        }
    }

    @Benchmark
    public int flyweight(final Frames f) {
        return encodeFlyweight(f);
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
}
