package io.cellwatch.process;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the end of a child JVM's log file for error messages, without loading a large log into memory. A log that
 * collects the output of several runs is read from an offset taken before the run started ({@link #endOffset}).
 */
public final class LogTail {

    /** Enough bytes for the last few dozen log lines, including a stack trace. */
    private static final int MAX_BYTES = 32 * 1024;

    private LogTail() {
    }

    /**
     * Returns the last lines of a file, starting no earlier than {@code fromOffset}.
     *
     * @param file       the log file
     * @param fromOffset ignore everything before this byte offset (output of an earlier run)
     * @param maxLines   at most this many lines
     * @return the lines joined with {@code \n}, or a short note when the file is missing or empty
     */
    public static String lastLines(Path file, long fromOffset, int maxLines) {
        if (!Files.isRegularFile(file)) {
            return "(no log file at " + file + ")";
        }
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            long start = Math.max(Math.max(0, fromOffset), length - MAX_BYTES);
            if (start >= length) {
                return "(the log is empty)";
            }
            byte[] bytes = new byte[(int) (length - start)];
            in.seek(start);
            in.readFully(bytes);
            List<String> lines = Arrays.asList(new String(bytes, StandardCharsets.UTF_8).split("\r?\n"));
            // The first line is probably cut in the middle when we did not read from the offset asked for.
            if (start > fromOffset && lines.size() > 1) {
                lines = lines.subList(1, lines.size());
            }
            return String.join("\n", lines.subList(Math.max(0, lines.size() - maxLines), lines.size()));
        } catch (IOException e) {
            return "(could not read " + file + ": " + e + ")";
        }
    }

    /**
     * Returns whether the part of a file after {@code fromOffset} (at most its last 32 KiB) contains a text.
     *
     * @param file       the log file
     * @param fromOffset ignore everything before this byte offset
     * @param text       the text to look for
     * @return true when found
     */
    public static boolean contains(Path file, long fromOffset, String text) {
        return lastLines(file, fromOffset, Integer.MAX_VALUE).contains(text);
    }

    /**
     * Returns the current size of a log, to be passed as {@code fromOffset} once the next run has written to it.
     *
     * @param file the log file
     * @return its size in bytes; 0 when it is missing or cannot be read
     */
    public static long endOffset(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            return 0;
        }
    }
}
