package io.cellwatch.core.recordings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** Small text helpers shared by the readers. */
final class TextLines {
    private static final String BOM = "\uFEFF";

    private TextLines() {
    }

    /** The file as text: UTF-8 (invalid bytes become U+FFFD rather than failing the read). */
    static String read(final Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file.toAbsolutePath(), e);
        }
    }

    /** The lines of a text, without a leading UTF-8 byte-order mark, split on LF or CRLF; index 0 is line 1. */
    static List<String> lines(final String text) {
        final String t = text.startsWith(BOM) ? text.substring(BOM.length()) : text;
        return Arrays.asList(t.split("\r?\n", -1));
    }

    /** The index of the header cell equal to {@code name} (trimmed). */
    static int column(final String[] header, final String name) {
        for (int i = 0; i < header.length; i++) {
            if (header[i].trim().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no column '" + name + "' in header " + Arrays.toString(header));
    }

    /** The index of the first header cell starting with {@code prefix}, or -1. */
    static int columnStartingWith(final String[] header, final String prefix) {
        for (int i = 0; i < header.length; i++) {
            if (header[i].trim().startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    /** A decimal number of {@code unit}-sized units as whole microseconds, exactly (rounded half-even). */
    static long micros(final String decimal, final long microsPerUnit) {
        return new BigDecimal(decimal.trim()).multiply(BigDecimal.valueOf(microsPerUnit))
            .setScale(0, RoundingMode.HALF_EVEN).longValueExact();
    }

    /** A required number. */
    static double number(final String s) {
        return Double.parseDouble(s.trim());
    }

    /** An optional number: NaN when the column is absent or the cell is blank. */
    static double optional(final String[] fields, final int column) {
        if (column < 0 || column >= fields.length || fields[column].isBlank()) {
            return Double.NaN;
        }
        return number(fields[column]);
    }
}
