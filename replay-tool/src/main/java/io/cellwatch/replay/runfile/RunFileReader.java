package io.cellwatch.replay.runfile;

import static io.cellwatch.replay.runfile.RunFileFormat.BYTE_ORDER;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.CRC32C;

import org.agrona.concurrent.UnsafeBuffer;

import io.cellwatch.core.alert.Alert;
import io.cellwatch.core.alert.AlertJson;
import io.cellwatch.core.codec.FrameDescriptor;
import io.cellwatch.core.codec.FrameType;
import io.cellwatch.core.codec.FrameValidator;

/**
 * Reads a run file (docs/run-file.md) from start to end, one record at a time, handing each to a
 * {@link RunFileVisitor}.
 *
 * <ul>
 *   <li>{@link #open} checks the file header: a file that does not start with {@code CWRUN}, or whose format version
 *       is newer than {@link RunFileFormat#FORMAT_VERSION}, is a {@link RunFileException} that says so.</li>
 *   <li>Every record's length and CRC-32C are checked. A last record that is incomplete or fails its CRC (an
 *       interrupted recording) ends the reading without an error: {@link #tail()} then describes the damaged
 *       bytes. Damage with more records after it is a {@link RunFileException} naming the offset.</li>
 *   <li>Record types this version does not know are skipped (a newer tool wrote them), and counted.</li>
 * </ul>
 * Not thread-safe. Views handed to the visitor are valid during the call only.
 */
public final class RunFileReader implements Closeable {
    private static final int READ_BUFFER = 1 << 16;

    private final String source;
    private final InputStream in;
    private final long fileSize;
    private final int formatVersion;
    private final long createdAtMicros;
    private final CRC32C crc = new CRC32C();
    private final FrameRecord frameRecord = new FrameRecord();
    private final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);
    private byte[] bytes = new byte[4096];
    private long position;
    private long records;
    private long unknownRecords;
    private RunFileTail tail;

    private RunFileReader(final String source, final InputStream in, final long fileSize, final int formatVersion,
                          final long createdAtMicros, final long position) {
        this.source = source;
        this.in = in;
        this.fileSize = fileSize;
        this.formatVersion = formatVersion;
        this.createdAtMicros = createdAtMicros;
        this.position = position;
    }

    /**
     * Opens {@code file} and checks its header.
     *
     * @throws RunFileException not a run file, or a format version this tool cannot read
     */
    public static RunFileReader open(final Path file) throws IOException, RunFileException {
        final String source = String.valueOf(file.getFileName());
        final long size = Files.size(file);
        final InputStream in = new BufferedInputStream(Files.newInputStream(file), READ_BUFFER);
        try {
            final byte[] header = new byte[RunFileFormat.HEADER_LENGTH];
            final int n = in.readNBytes(header, 0, header.length);
            if (n < RunFileFormat.MAGIC.length
                || !Arrays.equals(header, 0, RunFileFormat.MAGIC.length, RunFileFormat.MAGIC, 0,
                RunFileFormat.MAGIC.length)) {
                throw new RunFileException(source, -1, "not a CellWatch run file: it starts with "
                    + preview(header, n) + ", not 'CWRUN'" + (looksLikeText(header, n)
                    ? " (a text file: cycler exports are turned into run files with 'import')" : ""));
            }
            if (n < RunFileFormat.HEADER_LENGTH) {
                throw new RunFileException(source, -1, "run file header cut short: " + n + " of "
                    + RunFileFormat.HEADER_LENGTH + " bytes");
            }
            final UnsafeBuffer h = new UnsafeBuffer(header);
            final int version = h.getByte(RunFileFormat.FORMAT_VERSION_OFFSET) & 0xFF;
            if (version == 0 || version > RunFileFormat.FORMAT_VERSION) {
                throw new RunFileException(source, -1, "run file format version " + version + (version == 0
                    ? " does not exist" : " is newer than this tool reads (up to " + RunFileFormat.FORMAT_VERSION
                    + "); use a newer replay tool"));
            }
            final int headerLength = h.getShort(RunFileFormat.HEADER_LENGTH_OFFSET, BYTE_ORDER) & 0xFFFF;
            if (headerLength < RunFileFormat.HEADER_LENGTH || headerLength > size) {
                throw new RunFileException(source, RunFileFormat.HEADER_LENGTH_OFFSET, "bad header length "
                    + headerLength);
            }
            in.skipNBytes(headerLength - RunFileFormat.HEADER_LENGTH);
            final long created = h.getLong(RunFileFormat.CREATED_AT_OFFSET, BYTE_ORDER);
            return new RunFileReader(source, in, size, version, created, headerLength);
        } catch (IOException | RunFileException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /** Whether {@code path} starts with the run file magic (false when it cannot be read). */
    public static boolean isRunFile(final Path path) {
        try (InputStream in = Files.newInputStream(path)) {
            final byte[] b = in.readNBytes(RunFileFormat.MAGIC.length);
            return Arrays.equals(b, RunFileFormat.MAGIC);
        } catch (IOException e) {
            return false;
        }
    }

    static boolean isDataFrame(final int frameType) {
        return frameType == FrameType.CHANNEL || frameType == FrameType.SAMPLES || frameType == FrameType.MARK;
    }

    /** The file name, for messages. */
    public String source() {
        return source;
    }

    public int formatVersion() {
        return formatVersion;
    }

    /** When the file was created, us since the epoch. */
    public long createdAtMicros() {
        return createdAtMicros;
    }

    /** Bytes read so far (for progress). */
    public long position() {
        return position;
    }

    /** The file's size in bytes. */
    public long size() {
        return fileSize;
    }

    /** Records read so far. */
    public long records() {
        return records;
    }

    /** Records of a type this version does not know, skipped so far. */
    public long unknownRecords() {
        return unknownRecords;
    }

    /** How the file ends; null until {@link #next} has returned false. */
    public RunFileTail tail() {
        return tail;
    }

    /** Reads every remaining record into {@code visitor}. */
    public void readAll(final RunFileVisitor visitor) throws IOException, RunFileException {
        while (next(visitor)) {
            // every record goes to the visitor
        }
    }

    /** Reads to the end without looking at the records (to find the end of a file). */
    public void skipAll() throws IOException, RunFileException {
        readAll(new RunFileVisitor() {
        });
    }

    /**
     * Reads the next record and hands it to {@code visitor}.
     *
     * @return false at the end of the file, or at a damaged last record (see {@link #tail()})
     * @throws RunFileException damage that is not at the end of the file, or a record whose content is invalid
     */
    public boolean next(final RunFileVisitor visitor) throws IOException, RunFileException {
        if (tail != null) {
            return false;
        }
        final long start = position;
        final long remaining = fileSize - start;
        if (remaining == 0) {
            tail = RunFileTail.complete(start);
            return false;
        }
        if (remaining < RunFileFormat.RECORD_HEADER_LENGTH) {
            tail = new RunFileTail(start, remaining, "only " + remaining + " bytes of a record header");
            return false;
        }
        ensureCapacity(RunFileFormat.RECORD_HEADER_LENGTH);
        readFully(bytes, 0, RunFileFormat.RECORD_HEADER_LENGTH);
        view.wrap(bytes);
        final long length = view.getInt(RunFileFormat.RECORD_LENGTH_OFFSET, BYTE_ORDER) & 0xFFFFFFFFL;
        if (length < RunFileFormat.MIN_RECORD_LENGTH || length > RunFileFormat.MAX_RECORD_LENGTH) {
            if (restIsZero(remaining - RunFileFormat.RECORD_HEADER_LENGTH)
                && allZero(bytes, RunFileFormat.RECORD_HEADER_LENGTH)) {
                tail = new RunFileTail(start, remaining, "zero bytes where a record should start");
                return false;
            }
            throw new RunFileException(source, start, "corrupt record: length " + length + " is outside "
                + RunFileFormat.MIN_RECORD_LENGTH + ".." + RunFileFormat.MAX_RECORD_LENGTH + ", and "
                + (remaining - RunFileFormat.RECORD_HEADER_LENGTH) + " more bytes follow");
        }
        if (length > remaining) {
            tail = new RunFileTail(start, remaining, String.format(Locale.ROOT,
                "a %s record of %d bytes, only %d of them written", RunFileFormat.recordTypeName(bytes[4] & 0xFF),
                length, remaining));
            return false;
        }
        final int len = (int) length;
        ensureCapacity(len);
        readFully(bytes, RunFileFormat.RECORD_HEADER_LENGTH, len - RunFileFormat.RECORD_HEADER_LENGTH);
        position = start + len;
        view.wrap(bytes, 0, len);
        final int bodyEnd = len - RunFileFormat.RECORD_TRAILER_LENGTH;
        crc.reset();
        crc.update(bytes, 0, bodyEnd);
        final int stored = view.getInt(bodyEnd, BYTE_ORDER);
        if (stored != (int) crc.getValue()) {
            if (position == fileSize) {
                tail = new RunFileTail(start, len, "the last record fails its CRC check");
                return false;
            }
            throw new RunFileException(source, start, String.format(Locale.ROOT, "corrupt %s record: CRC-32C "
                + "0x%08x stored, 0x%08x computed, and %d more bytes follow",
                RunFileFormat.recordTypeName(bytes[4] & 0xFF), stored, (int) crc.getValue(), fileSize - position));
        }
        records++;
        final int type = view.getByte(RunFileFormat.RECORD_TYPE_OFFSET) & 0xFF;
        if ((view.getByte(RunFileFormat.RECORD_VERSION_OFFSET) & 0xFF) == 0) {
            throw new RunFileException(source, start, "record layout version 0 does not exist");
        }
        switch (type) {
            case RunFileFormat.FRAME -> readFrame(start, bodyEnd, visitor);
            case RunFileFormat.ALERT_SET -> readAlertSet(start, bodyEnd, visitor);
            case RunFileFormat.ALERT -> readAlert(start, bodyEnd, visitor);
            case RunFileFormat.NOTE -> readNote(start, bodyEnd, visitor);
            default -> {
                if (type == 0) {
                    throw new RunFileException(source, start, "record type 0 does not exist");
                }
                unknownRecords++;
                visitor.unknown(start, type, len);
            }
        }
        return true;
    }

    private void readFrame(final long start, final int bodyEnd, final RunFileVisitor visitor)
        throws RunFileException {
        int pos = RunFileFormat.RECORD_HEADER_LENGTH;
        need(start, pos + Long.BYTES, bodyEnd, "received-at time");
        final long receivedAt = view.getLong(pos, BYTE_ORDER);
        pos += Long.BYTES;
        final int rigEnd = RunFileStrings.end(view, pos, bodyEnd);
        if (rigEnd < 0) {
            throw malformed(start, "the rig id runs past the record");
        }
        final String rigId = RunFileStrings.get(view, pos);
        pos = rigEnd;
        final int checked = FrameValidator.check(view, pos, bodyEnd - pos, FrameDescriptor.DEFAULT_MAX_FRAME_LENGTH);
        if (checked <= 0) {
            throw malformed(start, checked == FrameValidator.NEED_MORE ? "the frame runs past the record"
                : "invalid frame (" + io.cellwatch.core.codec.ErrorCode.ofCode(-checked) + ")");
        }
        final int frameType = view.getByte(pos + FrameDescriptor.TYPE_OFFSET) & 0xFF;
        if (!isDataFrame(frameType)) {
            throw malformed(start, "a " + FrameType.name(frameType) + " frame does not belong in a run file");
        }
        visitor.frame(frameRecord.set(start, receivedAt, rigId, view, pos, checked, frameType));
    }

    private void readAlertSet(final long start, final int bodyEnd, final RunFileVisitor visitor)
        throws RunFileException {
        int pos = RunFileFormat.RECORD_HEADER_LENGTH;
        need(start, pos + Long.BYTES + 1, bodyEnd, "created-at time and origin");
        final long created = view.getLong(pos, BYTE_ORDER);
        pos += Long.BYTES;
        final int origin = view.getByte(pos++) & 0xFF;
        final int labelEnd = RunFileStrings.end(view, pos, bodyEnd);
        if (labelEnd < 0) {
            throw malformed(start, "the label runs past the record");
        }
        final String label = RunFileStrings.get(view, pos);
        final int descriptionEnd = RunFileStrings.end(view, labelEnd, bodyEnd);
        if (descriptionEnd < 0) {
            throw malformed(start, "the description runs past the record");
        }
        visitor.alertSet(new RunFileVisitor.AlertSetRecord(start, created, origin, AlertOrigin.ofCode(origin), label,
            RunFileStrings.get(view, labelEnd)));
    }

    private void readAlert(final long start, final int bodyEnd, final RunFileVisitor visitor)
        throws RunFileException {
        final int labelEnd = RunFileStrings.end(view, RunFileFormat.RECORD_HEADER_LENGTH, bodyEnd);
        if (labelEnd < 0) {
            throw malformed(start, "the label runs past the record");
        }
        final String label = RunFileStrings.get(view, RunFileFormat.RECORD_HEADER_LENGTH);
        final byte[] json = lengthPrefixed(start, labelEnd, bodyEnd, "alert JSON");
        final Alert alert;
        try {
            alert = AlertJson.fromJson(json);
        } catch (IllegalArgumentException e) {
            throw malformed(start, e.getMessage());
        }
        visitor.alert(start, label, alert);
    }

    private void readNote(final long start, final int bodyEnd, final RunFileVisitor visitor)
        throws RunFileException {
        int pos = RunFileFormat.RECORD_HEADER_LENGTH;
        need(start, pos + Long.BYTES, bodyEnd, "written-at time");
        final long written = view.getLong(pos, BYTE_ORDER);
        pos += Long.BYTES;
        final int kindEnd = RunFileStrings.end(view, pos, bodyEnd);
        if (kindEnd < 0) {
            throw malformed(start, "the note kind runs past the record");
        }
        final String kind = RunFileStrings.get(view, pos);
        final byte[] text = lengthPrefixed(start, kindEnd, bodyEnd, "note text");
        visitor.note(new RunFileVisitor.NoteRecord(start, written, kind, new String(text, StandardCharsets.UTF_8)));
    }

    private byte[] lengthPrefixed(final long start, final int pos, final int bodyEnd, final String what)
        throws RunFileException {
        need(start, pos + Integer.BYTES, bodyEnd, what + " length");
        final long n = view.getInt(pos, BYTE_ORDER) & 0xFFFFFFFFL;
        if (pos + Integer.BYTES + n > bodyEnd) {
            throw malformed(start, "the " + what + " runs past the record");
        }
        final byte[] b = new byte[(int) n];
        view.getBytes(pos + Integer.BYTES, b);
        return b;
    }

    private void need(final long start, final int end, final int bodyEnd, final String what) throws RunFileException {
        if (end > bodyEnd) {
            throw malformed(start, "too short for its " + what);
        }
    }

    private RunFileException malformed(final long start, final String detail) {
        return new RunFileException(source, start, "malformed " + RunFileFormat.recordTypeName(bytes[4] & 0xFF)
            + " record: " + detail);
    }

    private void ensureCapacity(final int n) {
        if (bytes.length < n) {
            bytes = Arrays.copyOf(bytes, Math.max(n, bytes.length * 2));
        }
    }

    private void readFully(final byte[] b, final int off, final int n) throws IOException {
        final int read = in.readNBytes(b, off, n);
        if (read != n) {
            throw new EOFException(source + ": the file got shorter while it was read");
        }
    }

    /** Reads the rest of the file; true if every byte is zero (space allocated but never written). */
    private boolean restIsZero(final long n) throws IOException {
        final byte[] chunk = new byte[8192];
        long left = n;
        while (left > 0) {
            final int r = in.readNBytes(chunk, 0, (int) Math.min(chunk.length, left));
            if (r <= 0 || !allZero(chunk, r)) {
                return false;
            }
            left -= r;
        }
        return true;
    }

    private static boolean allZero(final byte[] b, final int n) {
        for (int i = 0; i < n; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static String preview(final byte[] b, final int n) {
        if (n == 0) {
            return "nothing (the file is empty)";
        }
        final int shown = Math.min(n, RunFileFormat.MAGIC.length);
        final StringBuilder hex = new StringBuilder();
        for (int i = 0; i < shown; i++) {
            hex.append(i == 0 ? "" : " ").append(String.format(Locale.ROOT, "%02x", b[i] & 0xFF));
        }
        return looksLikeText(b, n)
            ? "'" + new String(b, 0, shown, StandardCharsets.ISO_8859_1) + "' (" + hex + ")"
            : hex.toString();
    }

    private static boolean looksLikeText(final byte[] b, final int n) {
        if (n == 0) {
            return false;
        }
        for (int i = 0; i < Math.min(n, RunFileFormat.MAGIC.length); i++) {
            final int c = b[i] & 0xFF;
            if (c < 0x20 && c != '\t' && c != '\r' && c != '\n' || c == 0x7F) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
