package io.cellwatch.jobs.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Random;

import io.cellwatch.core.testing.TelemetryRecords;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * {@link TelemetryRecordSerializer} against Flink's serializer contract ({@link SerializerTestBase}: copies,
 * single and sequential round trips with and without reuse, serialized copy, snapshot restore, duplicate, Java
 * serializability), plus the cases that matter for the job: a real frame record, empty, large and null fields,
 * non-ASCII channel ids, and that the job's source really declares this serializer.
 */
class TelemetryRecordSerializerTest extends SerializerTestBase<TelemetryRecord> {
    /** Built once: the envelope carries the wall clock, and the base class asks for the data many times. */
    private static final byte[] FRAME = new TelemetryRecords("rigA").samples(rows(100));
    private static final byte[] LARGE = new byte[1 << 20];

    static {
        new Random(7).nextBytes(LARGE);
    }

    @Override
    protected TypeSerializer<TelemetryRecord> createSerializer() {
        return new TelemetryRecordSerializer();
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<TelemetryRecord> getTypeClass() {
        return TelemetryRecord.class;
    }

    @Override
    protected TelemetryRecord[] getTestData() {
        return new TelemetryRecord[] {
            new TelemetryRecord("rigA/ch01", FRAME, 3, 123_456_789_012L),
            new TelemetryRecord("", new byte[0], 0, 0),
            new TelemetryRecord("rigA/ch02", LARGE, Integer.MAX_VALUE, Long.MAX_VALUE),
            new TelemetryRecord("Prüfstand-Ω/ch😀", new byte[] {1, 2, 3}, -1, -1),
            new TelemetryRecord(null, null, 1, 2),
        };
    }

    private static double[][] rows(final int n) {
        final double[][] rows = new double[n][];
        for (int i = 0; i < n; i++) {
            rows[i] = new double[] {1_000_000L * i, 4.0 + i * 0.001, 1.5, 25, Double.NaN};
        }
        return rows;
    }

    @Test
    void aHundredSampleFrameRecordRoundTripsToAnEqualRecordAndIsSmallerThanThePojoForm() throws IOException {
        final TelemetryRecord record = getTestData()[0];
        final byte[] ours = write(TelemetryRecordSerializer.INSTANCE, record);
        assertEquals(record, read(TelemetryRecordSerializer.INSTANCE, ours));
        // id 4 + 9, value 4 + frame, partition 4, offset 8: no per-record header or null flags
        assertEquals(4 + 9 + 4 + record.value.length + 4 + 8, ours.length);
        final TypeSerializer<TelemetryRecord> pojo = TypeInformation.of(TelemetryRecord.class)
            .createSerializer(new SerializerConfigImpl());
        assertTrue(ours.length < write(pojo, record).length, "PojoSerializer adds null flags and a subclass tag");
    }

    @Test
    void deserializingIntoAReusedRecordKeepsItsValueArrayWhenTheLengthMatches() throws IOException {
        final TelemetryRecord a = new TelemetryRecord("rigA/ch01", new byte[] {1, 2, 3, 4}, 1, 10);
        final TelemetryRecord reuse = new TelemetryRecord("old", new byte[4], 0, 0);
        final byte[] buffer = reuse.value;
        final TelemetryRecord back = TelemetryRecordSerializer.INSTANCE.deserialize(reuse,
            new DataInputDeserializer(write(TelemetryRecordSerializer.INSTANCE, a)));
        assertSame(reuse, back);
        assertSame(buffer, back.value);
        assertEquals(a, back);

        final TelemetryRecord longer = new TelemetryRecord("rigA/ch01", new byte[] {9, 9, 9, 9, 9}, 1, 11);
        final TelemetryRecord back2 = TelemetryRecordSerializer.INSTANCE.deserialize(back,
            new DataInputDeserializer(write(TelemetryRecordSerializer.INSTANCE, longer)));
        assertNotSame(buffer, back2.value);
        assertArrayEquals(longer.value, back2.value);
    }

    @Test
    void aCorruptLengthFailsInsteadOfAllocatingGarbage() {
        final DataInputDeserializer in = new DataInputDeserializer(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xF0});
        assertThrows(IOException.class, () -> TelemetryRecordSerializer.INSTANCE.deserialize(in));
    }

    @Test
    void theSnapshotRestoresThisSerializerAndIsCompatibleAsIs() throws IOException {
        final TypeSerializerSnapshot<TelemetryRecord> snapshot = TelemetryRecordSerializer.INSTANCE.snapshotConfiguration();
        final DataOutputSerializer out = new DataOutputSerializer(64);
        TypeSerializerSnapshot.writeVersionedSnapshot(out, snapshot);
        final TypeSerializerSnapshot<TelemetryRecord> restored = TypeSerializerSnapshot.readVersionedSnapshot(
            new DataInputDeserializer(out.getCopyOfBuffer()), getClass().getClassLoader());
        assertInstanceOf(TelemetryRecordSerializer.class, restored.restoreSerializer());
        final TypeSerializerSchemaCompatibility<TelemetryRecord> compatibility =
            TelemetryRecordSerializer.INSTANCE.snapshotConfiguration().resolveSchemaCompatibility(restored);
        assertTrue(compatibility.isCompatibleAsIs(), compatibility.toString());
    }

    @Test
    void theJobsSourceDeclaresThisSerializerNotThePojoOne() {
        final TypeInformation<TelemetryRecord> produced = new TelemetryRecordDeserializer().getProducedType();
        assertInstanceOf(TelemetryRecordSerializer.class, produced.createSerializer(new SerializerConfigImpl()));
        // the class is still a valid POJO, so nothing else that meets it falls back to Kryo
        assertInstanceOf(PojoTypeInfo.class, TypeInformation.of(TelemetryRecord.class));
    }

    @Test
    void aNullFieldStaysNull() throws IOException {
        final TelemetryRecord back = read(TelemetryRecordSerializer.INSTANCE,
            write(TelemetryRecordSerializer.INSTANCE, new TelemetryRecord(null, null, 5, 6)));
        assertNull(back.channelId);
        assertNull(back.value);
        assertEquals(5, back.partition);
        assertEquals(6, back.offset);
    }

    private static byte[] write(final TypeSerializer<TelemetryRecord> serializer, final TelemetryRecord r)
        throws IOException {
        final DataOutputSerializer out = new DataOutputSerializer(4096);
        serializer.serialize(r, out);
        return out.getCopyOfBuffer();
    }

    private static TelemetryRecord read(final TypeSerializer<TelemetryRecord> serializer, final byte[] bytes)
        throws IOException {
        return serializer.deserialize(new DataInputDeserializer(bytes));
    }
}
