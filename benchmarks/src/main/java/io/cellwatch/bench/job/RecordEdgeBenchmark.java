package io.cellwatch.bench.job;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import io.cellwatch.bench.codec.SampleSeries;
import io.cellwatch.core.codec.SamplesFlyweight;
import io.cellwatch.core.record.TelemetryRecordFlyweight;
import io.cellwatch.jobs.kafka.TelemetryRecord;
import io.cellwatch.jobs.kafka.TelemetryRecordTypeInfo;
import org.agrona.ExpandableArrayBuffer;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
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
 * One {@link TelemetryRecord} (envelope + SAMPLES frame of {@code samples} samples, about 3.2 KB for 100) serialised
 * and deserialised once, which is what the job's source -> keyBy -> stop-conditions edge costs per record on top of
 * Flink's buffer handling (same JVM or not, even at parallelism 1):
 * <ul>
 *   <li>{@link #ours}: {@code TelemetryRecordSerializer}, the serializer the job's source declares now;</li>
 *   <li>{@link #baselinePojo}: the PojoSerializer of {@code TypeInformation.of(TelemetryRecord.class)}, what the
 *       edge used before;</li>
 *   <li>{@link #rawFloor}: only the value bytes written and read back into a fresh array, the copy no serializer
 *       of this record can avoid.</li>
 * </ul>
 * Both use Flink's {@link DataOutputSerializer} / {@link DataInputDeserializer}, as the network stack's record
 * serialisation does. {@link Edge#setup} checks that both give a record equal to the original.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
    "-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-XX:+AlwaysPreTouch"})
public class RecordEdgeBenchmark {

    /** The record as the Kafka deserializer builds it, both serializers, and the reused output and input views. */
    @State(Scope.Thread)
    public static class Edge {
        @Param({"100"})
        public int samples;

        TelemetryRecord record;
        TypeSerializer<TelemetryRecord> ours;
        TypeSerializer<TelemetryRecord> pojo;
        DataOutputSerializer out;
        DataInputDeserializer in;

        @Setup(Level.Trial)
        public void setup() throws IOException {
            record = new TelemetryRecord(SampleSeries.CHANNEL_ID, value(samples), 7, 123_456_789L);
            ours = TelemetryRecordTypeInfo.INSTANCE.createSerializer(new SerializerConfigImpl());
            pojo = TypeInformation.of(TelemetryRecord.class).createSerializer(new SerializerConfigImpl());
            if (!(pojo instanceof PojoSerializer)) {
                throw new IllegalStateException("the baseline is not the PojoSerializer: " + pojo);
            }
            out = new DataOutputSerializer(8 * 1024);
            in = new DataInputDeserializer();
            final TelemetryRecord viaOurs = roundTrip(this, ours);
            final TelemetryRecord viaPojo = roundTrip(this, pojo);
            if (!record.equals(viaOurs) || !record.equals(viaPojo) || viaOurs == record || viaOurs.value == record.value) {
                throw new IllegalStateException("round trips differ: " + record + " / " + viaOurs + " / " + viaPojo);
            }
            if (rawFloorCopy(this).length != record.value.length) {
                throw new IllegalStateException("raw floor copied the wrong length");
            }
        }

        /** The record value the gateway writes: envelope (rig id, receive time) + one SAMPLES frame. */
        private static byte[] value(final int samples) {
            final String rigId = SampleSeries.CHANNEL_ID.substring(0, SampleSeries.CHANNEL_ID.indexOf('/'));
            final int envelope = TelemetryRecordFlyweight.envelopeLength(rigId);
            final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(envelope + SamplesFlyweight.frameLength(samples));
            TelemetryRecordFlyweight.encodeEnvelope(buffer, 0, rigId, SampleSeries.START_MICROS);
            final int frame = SampleSeries.generate(samples, 42).encodeFrame(buffer, envelope);
            final byte[] value = new byte[envelope + frame];
            buffer.getBytes(0, value);
            return value;
        }
    }

    @Benchmark
    public TelemetryRecord ours(final Edge e) throws IOException {
        return roundTrip(e, e.ours);
    }

    @Benchmark
    public TelemetryRecord baselinePojo(final Edge e) throws IOException {
        return roundTrip(e, e.pojo);
    }

    @Benchmark
    public byte[] rawFloor(final Edge e) throws IOException {
        return rawFloorCopy(e);
    }

    private static TelemetryRecord roundTrip(final Edge e, final TypeSerializer<TelemetryRecord> serializer)
        throws IOException {
        e.out.clear();
        serializer.serialize(e.record, e.out);
        e.in.setBuffer(e.out.getSharedBuffer(), 0, e.out.length());
        return serializer.deserialize(e.in);
    }

    private static byte[] rawFloorCopy(final Edge e) throws IOException {
        e.out.clear();
        e.out.write(e.record.value);
        e.in.setBuffer(e.out.getSharedBuffer(), 0, e.out.length());
        final byte[] copy = new byte[e.out.length()];
        e.in.readFully(copy);
        return copy;
    }
}
