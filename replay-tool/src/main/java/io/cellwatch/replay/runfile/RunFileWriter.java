package io.cellwatch.replay.runfile;

import static io.cellwatch.replay.runfile.RunFileFormat.BYTE_ORDER;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.zip.CRC32C;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

import io.cellwatch.core.alert.Alert;
import io.cellwatch.core.alert.AlertJson;
import io.cellwatch.core.codec.ChannelFlyweight;
import io.cellwatch.core.codec.FrameDescriptor;
import io.cellwatch.core.codec.FrameValidator;
import io.cellwatch.core.codec.MarkFlyweight;
import io.cellwatch.core.model.ChannelDeclaration;

/**
 * Writes a run file (docs/run-file.md): {@link #create} starts a new one, {@link #append} continues an existing one.
 * Records are only ever added at the end; each is framed with its length and a CRC-32C, so a reader can tell a
 * complete file from one whose last write was interrupted.
 *
 * <p>Writes are buffered; {@link #flush} hands them to the operating system and {@link #close} flushes. Not
 * thread-safe.
 */
public final class RunFileWriter implements Closeable {
    private static final int WRITE_BUFFER = 1 << 16;

    private final FileChannel channel;
    private final ExpandableArrayBuffer record = new ExpandableArrayBuffer(4096);
    private final ExpandableArrayBuffer frame = new ExpandableArrayBuffer(256);
    private final ByteBuffer out = ByteBuffer.allocate(WRITE_BUFFER);
    private final CRC32C crc = new CRC32C();
    private final RunFileTail tailBeforeAppend;
    private long size;
    private long records;

    private RunFileWriter(final FileChannel channel, final long size, final RunFileTail tailBeforeAppend) {
        this.channel = channel;
        this.size = size;
        this.tailBeforeAppend = tailBeforeAppend;
    }

    /**
     * Creates a new run file (fails if {@code file} exists) and writes its header.
     *
     * @param createdAtMicros the file's creation time, us since the epoch
     */
    public static RunFileWriter create(final Path file, final long createdAtMicros) throws IOException {
        final FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        final RunFileWriter w = new RunFileWriter(ch, 0, null);
        try {
            final ByteBuffer header = ByteBuffer.allocate(RunFileFormat.HEADER_LENGTH).order(BYTE_ORDER);
            header.put(RunFileFormat.MAGIC).put((byte) RunFileFormat.FORMAT_VERSION)
                .putShort((short) RunFileFormat.HEADER_LENGTH).putLong(createdAtMicros).flip();
            w.out.put(header);
            w.size = RunFileFormat.HEADER_LENGTH;
            return w;
        } catch (RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Opens an existing run file to add records at its end. The file is read once to find the end of its last
     * complete record; an incomplete last record (an interrupted write, see {@link #tailBeforeAppend()}) is cut off
     * first, so that the new records follow a good one.
     *
     * @throws RunFileException when the file is not a run file this tool can extend (wrong magic, newer version,
     *                          damage before the last record)
     */
    public static RunFileWriter append(final Path file) throws IOException, RunFileException {
        final RunFileTail tail;
        try (RunFileReader reader = RunFileReader.open(file)) {
            if (reader.formatVersion() != RunFileFormat.FORMAT_VERSION) {
                throw new RunFileException(reader.source(), -1, "format version " + reader.formatVersion()
                    + " is not the version this tool writes (" + RunFileFormat.FORMAT_VERSION + "); not appending");
            }
            reader.skipAll();
            tail = reader.tail();
        }
        final FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE);
        try {
            if (!tail.isComplete()) {
                ch.truncate(tail.usableLength());
            }
            ch.position(tail.usableLength());
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        return new RunFileWriter(ch, tail.usableLength(), tail);
    }

    /** How the file ended before {@link #append} opened it (null for {@link #create}). */
    public RunFileTail tailBeforeAppend() {
        return tailBeforeAppend;
    }

    /**
     * Writes a FRAME record holding one rig protocol frame.
     *
     * @param receivedAtMicros when the frame arrived at the gateway, us since the epoch, or
     *                         {@link RunFileFormat#UNKNOWN_TIME}
     * @param rigId            the rig that sent it
     * @param buffer           holds the frame at {@code offset}, {@code length} bytes, header included
     * @throws IllegalArgumentException when the bytes are not a valid CHANNEL, SAMPLES or MARK frame
     */
    public void frame(final long receivedAtMicros, final String rigId, final DirectBuffer buffer, final int offset,
                      final int length) throws IOException {
        final int checked = FrameValidator.check(buffer, offset, length, FrameDescriptor.DEFAULT_MAX_FRAME_LENGTH);
        if (checked != length) {
            throw new IllegalArgumentException("not a valid frame of " + length + " bytes (validator: " + checked + ")");
        }
        final int type = buffer.getByte(offset + FrameDescriptor.TYPE_OFFSET) & 0xFF;
        if (!RunFileReader.isDataFrame(type)) {
            throw new IllegalArgumentException("a run file holds CHANNEL, SAMPLES and MARK frames, not type " + type);
        }
        final byte[] rig = RunFileStrings.bytes("rig id", rigId);
        int pos = RunFileFormat.RECORD_HEADER_LENGTH;
        record.putLong(pos, receivedAtMicros, BYTE_ORDER);
        pos += Long.BYTES;
        pos += RunFileStrings.put(record, pos, rig);
        record.putBytes(pos, buffer, offset, length);
        pos += length;
        finish(RunFileFormat.FRAME, pos);
    }

    /** Writes a CHANNEL frame record for {@code declaration}. */
    public void channel(final long receivedAtMicros, final String rigId, final long sequence,
                        final ChannelDeclaration declaration) throws IOException {
        final int length = ChannelFlyweight.encode(frame, 0, sequence, declaration);
        frame(receivedAtMicros, rigId, frame, 0, length);
    }

    /** Writes a MARK frame record. */
    public void mark(final long receivedAtMicros, final String rigId, final long sequence, final int channelNo,
                     final int markType, final long timestampMicros) throws IOException {
        final int length = MarkFlyweight.encode(frame, 0, sequence, channelNo, markType, timestampMicros);
        frame(receivedAtMicros, rigId, frame, 0, length);
    }

    /**
     * Writes an ALERT_SET record: the alerts that follow with this label belong to it. Written even when the set is
     * empty, so that "this evaluation raised nothing" is on record.
     */
    public void alertSet(final long createdAtMicros, final AlertOrigin origin, final String label,
                         final String description) throws IOException {
        Objects.requireNonNull(origin, "origin");
        final byte[] l = RunFileStrings.bytes("label", label);
        final byte[] d = RunFileStrings.bytes("description", description);
        int pos = RunFileFormat.RECORD_HEADER_LENGTH;
        record.putLong(pos, createdAtMicros, BYTE_ORDER);
        pos += Long.BYTES;
        record.putByte(pos++, (byte) origin.code());
        pos += RunFileStrings.put(record, pos, l);
        pos += RunFileStrings.put(record, pos, d);
        finish(RunFileFormat.ALERT_SET, pos);
    }

    /** Writes an ALERT record: one alert of the set {@code label}, as the alerts topic's JSON. */
    public void alert(final String label, final Alert alert) throws IOException {
        final byte[] l = RunFileStrings.bytes("label", label);
        final byte[] json = AlertJson.toJson(alert);
        int pos = RunFileFormat.RECORD_HEADER_LENGTH;
        pos += RunFileStrings.put(record, pos, l);
        record.putInt(pos, json.length, BYTE_ORDER);
        pos += Integer.BYTES;
        record.putBytes(pos, json);
        pos += json.length;
        finish(RunFileFormat.ALERT, pos);
    }

    /** Writes a NOTE record, e.g. kind {@code import} and what was imported from where. */
    public void note(final long writtenAtMicros, final String kind, final String text) throws IOException {
        final byte[] k = RunFileStrings.bytes("note kind", kind);
        final byte[] t = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int pos = RunFileFormat.RECORD_HEADER_LENGTH;
        record.putLong(pos, writtenAtMicros, BYTE_ORDER);
        pos += Long.BYTES;
        pos += RunFileStrings.put(record, pos, k);
        record.putInt(pos, t.length, BYTE_ORDER);
        pos += Integer.BYTES;
        record.putBytes(pos, t);
        pos += t.length;
        finish(RunFileFormat.NOTE, pos);
    }

    /** Adds header and CRC around the body in {@link #record} (which ends at {@code bodyEnd}) and queues it. */
    private void finish(final int type, final int bodyEnd) throws IOException {
        final int length = bodyEnd + RunFileFormat.RECORD_TRAILER_LENGTH;
        if (length > RunFileFormat.MAX_RECORD_LENGTH) {
            throw new IllegalArgumentException("record of " + length + " bytes exceeds " + RunFileFormat.MAX_RECORD_LENGTH);
        }
        record.putInt(RunFileFormat.RECORD_LENGTH_OFFSET, length, BYTE_ORDER);
        record.putByte(RunFileFormat.RECORD_TYPE_OFFSET, (byte) type);
        record.putByte(RunFileFormat.RECORD_VERSION_OFFSET, (byte) RunFileFormat.RECORD_VERSION);
        record.putShort(RunFileFormat.RECORD_FLAGS_OFFSET, (short) 0, BYTE_ORDER);
        crc.reset();
        crc.update(record.byteArray(), 0, bodyEnd);
        record.putInt(bodyEnd, (int) crc.getValue(), BYTE_ORDER);
        write(record.byteArray(), length);
        size += length;
        records++;
    }

    private void write(final byte[] bytes, final int length) throws IOException {
        int done = 0;
        while (done < length) {
            if (!out.hasRemaining()) {
                drain();
            }
            final int n = Math.min(out.remaining(), length - done);
            out.put(bytes, done, n);
            done += n;
        }
    }

    private void drain() throws IOException {
        out.flip();
        while (out.hasRemaining()) {
            channel.write(out);
        }
        out.clear();
    }

    /** Hands every buffered record to the operating system. */
    public void flush() throws IOException {
        drain();
    }

    /** Bytes in the file once everything written so far is flushed. */
    public long size() {
        return size;
    }

    /** Records written by this writer. */
    public long recordsWritten() {
        return records;
    }

    /** Flushes and closes the file. */
    @Override
    public void close() throws IOException {
        try {
            drain();
        } finally {
            channel.close();
        }
    }
}
