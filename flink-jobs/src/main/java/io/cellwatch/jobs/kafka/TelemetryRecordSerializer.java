package io.cellwatch.jobs.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Writes a {@link TelemetryRecord} field by field, for the source -> keyed operator edge that every record crosses.
 * Flink's PojoSerializer does the same work through reflection, with a null flag per field and a char-by-char
 * string encoding; this one writes the four fields in a fixed order with no per-record header.
 *
 * <p>Wire format: channel id as int length + UTF-8 bytes, value as int length + bytes (length -1 for a null field,
 * which the Kafka deserializer never produces but a hand-built record may), partition as int, offset as long.
 * The format is versioned by {@link TelemetryRecordSerializerSnapshot}; no keyed or operator state holds
 * TelemetryRecords today, so the format only has to agree between the two ends of one running job.
 */
public final class TelemetryRecordSerializer extends TypeSerializerSingleton<TelemetryRecord> {
    private static final long serialVersionUID = 1L;

    public static final TelemetryRecordSerializer INSTANCE = new TelemetryRecordSerializer();

    private static final int NULL_LENGTH = -1;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TelemetryRecord createInstance() {
        return new TelemetryRecord();
    }

    @Override
    public TelemetryRecord copy(final TelemetryRecord from) {
        return new TelemetryRecord(from.channelId, from.value == null ? null : from.value.clone(), from.partition,
            from.offset);
    }

    @Override
    public TelemetryRecord copy(final TelemetryRecord from, final TelemetryRecord reuse) {
        reuse.channelId = from.channelId; // Strings are immutable: share them
        reuse.value = copyInto(from.value, reuse.value);
        reuse.partition = from.partition;
        reuse.offset = from.offset;
        return reuse;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(final TelemetryRecord record, final DataOutputView target) throws IOException {
        // UTF-8 rather than DataOutput.writeUTF: the JDK encodes and decodes an ASCII id with one array copy
        writeBytes(record.channelId == null ? null : record.channelId.getBytes(StandardCharsets.UTF_8), target);
        writeBytes(record.value, target);
        target.writeInt(record.partition);
        target.writeLong(record.offset);
    }

    @Override
    public TelemetryRecord deserialize(final DataInputView source) throws IOException {
        return deserialize(new TelemetryRecord(), source);
    }

    @Override
    public TelemetryRecord deserialize(final TelemetryRecord reuse, final DataInputView source) throws IOException {
        final byte[] id = readBytes(source, null);
        reuse.channelId = id == null ? null : new String(id, StandardCharsets.UTF_8);
        reuse.value = readBytes(source, reuse.value);
        reuse.partition = source.readInt();
        reuse.offset = source.readLong();
        return reuse;
    }

    @Override
    public void copy(final DataInputView source, final DataOutputView target) throws IOException {
        copyBytes(source, target);
        copyBytes(source, target);
        target.writeInt(source.readInt());
        target.writeLong(source.readLong());
    }

    @Override
    public TypeSerializerSnapshot<TelemetryRecord> snapshotConfiguration() {
        return new TelemetryRecordSerializerSnapshot();
    }

    private static void writeBytes(final byte[] bytes, final DataOutputView target) throws IOException {
        if (bytes == null) {
            target.writeInt(NULL_LENGTH);
            return;
        }
        target.writeInt(bytes.length);
        target.write(bytes);
    }

    /** Reads a length-prefixed byte array, into {@code reuse} if it has exactly the right length. */
    private static byte[] readBytes(final DataInputView source, final byte[] reuse) throws IOException {
        final int length = source.readInt();
        if (length == NULL_LENGTH) {
            return null;
        }
        if (length < 0) {
            throw new IOException("corrupt TelemetryRecord: byte array length " + length);
        }
        final byte[] bytes = reuse != null && reuse.length == length ? reuse : new byte[length];
        source.readFully(bytes);
        return bytes;
    }

    private static void copyBytes(final DataInputView source, final DataOutputView target) throws IOException {
        final int length = source.readInt();
        target.writeInt(length);
        if (length > 0) {
            target.write(source, length);
        }
    }

    private static byte[] copyInto(final byte[] from, final byte[] reuse) {
        if (from == null) {
            return null;
        }
        final byte[] to = reuse != null && reuse.length == from.length ? reuse : new byte[from.length];
        System.arraycopy(from, 0, to, 0, from.length);
        return to;
    }

    /** The serializer has no configuration; the snapshot only records which class and format version wrote the data. */
    public static final class TelemetryRecordSerializerSnapshot extends SimpleTypeSerializerSnapshot<TelemetryRecord> {
        public TelemetryRecordSerializerSnapshot() {
            super(() -> INSTANCE);
        }
    }
}
