package io.cellwatch.bench.codec;

import static io.cellwatch.core.codec.FrameDescriptor.BYTE_ORDER;
import static io.cellwatch.core.codec.SamplesFlyweight.AMBIENT_TEMPERATURE_OFFSET;
import static io.cellwatch.core.codec.SamplesFlyweight.CELL_TEMPERATURE_OFFSET;
import static io.cellwatch.core.codec.SamplesFlyweight.CURRENT_OFFSET;
import static io.cellwatch.core.codec.SamplesFlyweight.FLAGS_OFFSET;
import static io.cellwatch.core.codec.SamplesFlyweight.FLAG_AMBIENT;
import static io.cellwatch.core.codec.SamplesFlyweight.FLAG_CELL_TEMPERATURE;
import static io.cellwatch.core.codec.SamplesFlyweight.FLAG_FORCE;
import static io.cellwatch.core.codec.SamplesFlyweight.FORCE_OFFSET;
import static io.cellwatch.core.codec.SamplesFlyweight.SAMPLES_OFFSET;
import static io.cellwatch.core.codec.SamplesFlyweight.SAMPLE_COUNT_OFFSET;
import static io.cellwatch.core.codec.SamplesFlyweight.SAMPLE_LENGTH_OFFSET;
import static io.cellwatch.core.codec.SamplesFlyweight.TIMESTAMP_OFFSET;
import static io.cellwatch.core.codec.SamplesFlyweight.VOLTAGE_OFFSET;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.cellwatch.core.codec.FrameDescriptor;
import io.cellwatch.core.codec.FrameValidator;
import io.cellwatch.core.codec.SamplesFlyweight;
import org.agrona.DirectBuffer;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Decoding one SAMPLES frame of {@code samples} samples and summing voltage, current and cell temperature of each
 * sample (so no read is dead code):
 * <ul>
 *   <li>{@link #flyweight}: ours, {@link SamplesFlyweight} over an {@link UnsafeBuffer}; nothing is copied or
 *       allocated;</li>
 *   <li>{@link #flyweightValidated}: the same, after {@link FrameValidator#check} (as the gateway does once per
 *       frame), to show the per-frame cost of validation;</li>
 *   <li>{@link #flyweightFlagsOnce}: ours, reading the flags word once per sample and passing it in;</li>
 *   <li>{@link #baselineAgronaChecked}: the flyweight's previous read path, Agrona's bounds-checked read per
 *       field, kept as the before-figure of the change to {@link SamplesFlyweight};</li>
 *   <li>{@link #baselineObjectPerSample}: the same bytes, read through a {@code ByteBuffer} into one {@link Sample}
 *       record per sample in a {@code List}, as many telemetry stacks do;</li>
 *   <li>{@link #baselineJsonPerSample}: the same samples as one JSON object each (text encoded in setup), parsed
 *       with Jackson databind into one {@link SampleJson} record each.</li>
 * </ul>
 * A score is per frame (ns/op, B/op); divide by {@code samples} for the cost per sample (the README's table does).
 * The three sums are kept in separate accumulators: one running double would measure a chain of dependent
 * floating-point adds (about 4 cycles each) rather than the decode. {@link Frames#setup} checks that every variant
 * returns exactly the same sum.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
    "-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-XX:+AlwaysPreTouch"})
public class SamplesDecodeBenchmark {

    /** One frame in every representation, built from the same {@link SampleSeries}. */
    @State(Scope.Thread)
    public static class Frames {
        @Param({"1", "256"})
        public int samples;

        UnsafeBuffer frame;
        int frameLength;
        SamplesFlyweight flyweight;
        /** The same memory as {@link #frame}, as a little-endian {@code ByteBuffer}. */
        ByteBuffer frameBytes;
        byte[][] jsonSamples;
        ObjectReader jsonReader;

        @Setup(Level.Trial)
        public void setup() throws IOException {
            final SampleSeries series = SampleSeries.generate(samples, 42);
            frame = series.encodeFrame();
            frameLength = frame.capacity();
            flyweight = new SamplesFlyweight();
            frameBytes = frame.byteBuffer().duplicate().order(BYTE_ORDER);

            final ObjectMapper mapper = JsonMapper.builder().build();
            final ObjectWriter writer = mapper.writerFor(SampleJson.class);
            jsonSamples = new byte[samples][];
            for (int i = 0; i < samples; i++) {
                jsonSamples[i] = writer.writeValueAsBytes(series.toJson(i));
            }
            jsonReader = mapper.readerFor(SampleJson.class);

            verify(series);
        }

        /** Same input, same answer: every variant must return the sum taken straight from the series. */
        private void verify(final SampleSeries series) throws IOException {
            double v = 0;
            double c = 0;
            double t = 0;
            for (int i = 0; i < series.count(); i++) {
                v += series.voltage(i);
                c += series.current(i);
                t += series.cellTemperature(i);
            }
            final double expected = v + c + t;
            check("flyweight", expected, sumFlyweight(flyweight.wrap(frame, 0)));
            check("flyweightValidated", expected, validateAndSum(this));
            check("flyweightFlagsOnce", expected, sumFlyweightFlagsOnce(flyweight.wrap(frame, 0)));
            check("baselineAgronaChecked", expected, sumAgronaChecked(frame, 0));
            check("baselineObjectPerSample", expected, sumObjects(decodeObjects(frameBytes)));
            check("baselineJsonPerSample", expected, sumJson(parseJson(jsonReader, jsonSamples)));
        }

        private static void check(final String variant, final double expected, final double actual) {
            if (Double.compare(expected, actual) != 0) {
                throw new IllegalStateException(variant + " returned " + actual + ", expected " + expected);
            }
        }
    }

    @Benchmark
    public double flyweight(final Frames f) {
        return sumFlyweight(f.flyweight.wrap(f.frame, 0));
    }

    @Benchmark
    public double flyweightValidated(final Frames f) {
        return validateAndSum(f);
    }

    @Benchmark
    public double flyweightFlagsOnce(final Frames f) {
        return sumFlyweightFlagsOnce(f.flyweight.wrap(f.frame, 0));
    }

    @Benchmark
    public double baselineAgronaChecked(final Frames f) {
        return sumAgronaChecked(f.frame, 0);
    }

    @Benchmark
    public double baselineObjectPerSample(final Frames f, final Blackhole bh) {
        final List<Sample> samples = decodeObjects(f.frameBytes);
        bh.consume(samples); // the objects are handed downstream, as in a real pipeline
        return sumObjects(samples);
    }

    @Benchmark
    public double baselineJsonPerSample(final Frames f, final Blackhole bh) throws IOException {
        final List<SampleJson> samples = parseJson(f.jsonReader, f.jsonSamples);
        bh.consume(samples);
        return sumJson(samples);
    }

    static double sumFlyweight(final SamplesFlyweight frame) {
        final int n = frame.sampleCount();
        double v = 0;
        double c = 0;
        double t = 0;
        for (int i = 0; i < n; i++) {
            v += frame.voltage(i);
            c += frame.current(i);
            t += frame.cellTemperature(i);
        }
        return v + c + t;
    }

    /** The same sums, reading each sample's flags word once and passing it to the optional-value accessor. */
    static double sumFlyweightFlagsOnce(final SamplesFlyweight frame) {
        final int n = frame.sampleCount();
        double v = 0;
        double c = 0;
        double t = 0;
        for (int i = 0; i < n; i++) {
            final int flags = frame.flags(i);
            v += frame.voltage(i);
            c += frame.current(i);
            t += frame.cellTemperature(i, flags);
        }
        return v + c + t;
    }

    /**
     * The flyweight's accessors as they were before they read through one range checked at {@code wrap}: every
     * read goes through Agrona's checked {@code getFloat}/{@code getInt} (bounds check per read), and the cell
     * temperature reads the flags word itself. Kept so one run shows the old and the new path side by side.
     */
    static double sumAgronaChecked(final DirectBuffer buffer, final int offset) {
        final int sampleLength = buffer.getShort(offset + SAMPLE_LENGTH_OFFSET, BYTE_ORDER) & 0xFFFF;
        final int base = offset + SAMPLES_OFFSET;
        final int n = buffer.getInt(offset + SAMPLE_COUNT_OFFSET, BYTE_ORDER);
        double v = 0;
        double c = 0;
        double t = 0;
        for (int i = 0; i < n; i++) {
            final int at = base + i * sampleLength;
            v += buffer.getFloat(at + VOLTAGE_OFFSET, BYTE_ORDER);
            c += buffer.getFloat(at + CURRENT_OFFSET, BYTE_ORDER);
            t += (buffer.getInt(at + FLAGS_OFFSET, BYTE_ORDER) & FLAG_CELL_TEMPERATURE) != 0
                ? buffer.getFloat(at + CELL_TEMPERATURE_OFFSET, BYTE_ORDER) : Float.NaN;
        }
        return v + c + t;
    }

    static double validateAndSum(final Frames f) {
        final int length = FrameValidator.check(f.frame, 0, f.frameLength, FrameDescriptor.DEFAULT_MAX_FRAME_LENGTH);
        if (length <= 0) {
            return Double.NaN;
        }
        return sumFlyweight(f.flyweight.wrap(f.frame, 0));
    }

    /** The object-per-sample decoder: reads the frame's batch header, then one {@link Sample} per sample. */
    static List<Sample> decodeObjects(final ByteBuffer frame) {
        final int sampleLength = frame.getShort(SAMPLE_LENGTH_OFFSET) & 0xFFFF;
        final int count = frame.getInt(SAMPLE_COUNT_OFFSET);
        final List<Sample> samples = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            final int base = SAMPLES_OFFSET + i * sampleLength;
            final int flags = frame.getInt(base + FLAGS_OFFSET);
            samples.add(new Sample(
                frame.getLong(base + TIMESTAMP_OFFSET),
                frame.getFloat(base + VOLTAGE_OFFSET),
                frame.getFloat(base + CURRENT_OFFSET),
                (flags & FLAG_CELL_TEMPERATURE) != 0 ? frame.getFloat(base + CELL_TEMPERATURE_OFFSET) : Float.NaN,
                (flags & FLAG_AMBIENT) != 0 ? frame.getFloat(base + AMBIENT_TEMPERATURE_OFFSET) : Float.NaN,
                (flags & FLAG_FORCE) != 0 ? frame.getFloat(base + FORCE_OFFSET) : Float.NaN,
                flags));
        }
        return samples;
    }

    static double sumObjects(final List<Sample> samples) {
        double v = 0;
        double c = 0;
        double t = 0;
        for (int i = 0, n = samples.size(); i < n; i++) {
            final Sample s = samples.get(i);
            v += s.voltage();
            c += s.current();
            t += s.cellTemperature();
        }
        return v + c + t;
    }

    static List<SampleJson> parseJson(final ObjectReader reader, final byte[][] json) throws IOException {
        final List<SampleJson> samples = new ArrayList<>(json.length);
        for (byte[] text : json) {
            samples.add(reader.readValue(text));
        }
        return samples;
    }

    static double sumJson(final List<SampleJson> samples) {
        double v = 0;
        double c = 0;
        double t = 0;
        for (int i = 0, n = samples.size(); i < n; i++) {
            final SampleJson s = samples.get(i);
            v += s.voltage();
            c += s.current();
            t += s.cellTemperature() != null ? s.cellTemperature() : Float.NaN;
        }
        return v + c + t;
    }
}
