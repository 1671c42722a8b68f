package io.cellwatch.replay.imports;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The lines of a text file with their numbers. UTF-8; bytes that are not UTF-8 (a degree sign written in a Windows
 * code page) become U+FFFD instead of failing the import, since they only ever appear in header names and units. A
 * byte-order mark at the start is dropped. Lines end in LF, CRLF or CR.
 */
public final class TextInput implements Closeable {
    private final String source;
    private final long size;
    private final CountingStream counting;
    private final BufferedReader reader;
    private long lineNumber;

    private TextInput(final String source, final long size, final InputStream in) {
        this.source = source;
        this.size = size;
        this.counting = new CountingStream(in);
        this.reader = new BufferedReader(new InputStreamReader(counting, StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE)), 1 << 16);
    }

    public static TextInput open(final Path file) throws IOException {
        return new TextInput(String.valueOf(file.getFileName()), Files.size(file), Files.newInputStream(file));
    }

    /** A text held in memory (tests). */
    public static TextInput of(final String source, final String text) {
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return new TextInput(source, bytes.length, new java.io.ByteArrayInputStream(bytes));
    }

    /** The next line, or null at the end. */
    public String next() throws IOException {
        String line = reader.readLine();
        if (line == null) {
            return null;
        }
        lineNumber++;
        if (lineNumber == 1 && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
            line = line.substring(1);
        }
        return line;
    }

    /** The 1-based number of the line {@link #next} returned last. */
    public long lineNumber() {
        return lineNumber;
    }

    /** The file name, for messages. */
    public String source() {
        return source;
    }

    /** Bytes read from the file so far (the reader reads ahead of the lines returned, by up to 64 KiB). */
    public long bytesRead() {
        return counting.count;
    }

    /** The file's size in bytes. */
    public long size() {
        return size;
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }

    private static final class CountingStream extends FilterInputStream {
        private long count;

        CountingStream(final InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            final int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(final byte[] b, final int off, final int len) throws IOException {
            final int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
