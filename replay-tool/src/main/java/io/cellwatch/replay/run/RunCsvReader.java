package io.cellwatch.replay.run;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Reads the replay tool's own CSV run format (docs/replay.md), the whole file at once, so that a bad line stops the
 * replay before anything is sent.
 *
 * <ul>
 *   <li>UTF-8, one optional byte order mark; lines end in LF or CRLF; blank lines and lines starting with {@code #}
 *       are skipped.</li>
 *   <li>The first other line is the header. Required columns: {@code time_s, voltage_v, current_a, cell_temp_c};
 *       optional: {@code ambient_temp_c, force_n}. Any order, names case-insensitive; an unknown or repeated
 *       column is an error, so a misspelt optional column is not silently dropped.</li>
 *   <li>Cells are separated by commas and trimmed; a cell wrapped in double quotes is unquoted (no commas inside).
 *       Numbers use a dot and may have an exponent ({@code 1.5e-3}).</li>
 *   <li>{@code time_s}: seconds since the run start, 0 or more. Equal times are kept; a time earlier than the row
 *       before is a {@link TimeStepBack} (see {@link Run.Builder#add}).</li>
 *   <li>Required cells must hold a finite number. An optional cell that is blank or {@code NaN} means absent.</li>
 * </ul>
 * The first problem found ends the read with a {@link RunFormatException} naming the line and the column.
 */
public final class RunCsvReader {
    public static final String TIME = "time_s";
    public static final String VOLTAGE = "voltage_v";
    public static final String CURRENT = "current_a";
    public static final String CELL_TEMPERATURE = "cell_temp_c";
    public static final String AMBIENT_TEMPERATURE = "ambient_temp_c";
    public static final String FORCE = "force_n";

    /** Columns every file must have, in the order the docs list them. */
    public static final List<String> REQUIRED_COLUMNS = List.of(TIME, VOLTAGE, CURRENT, CELL_TEMPERATURE);
    /** Columns a file may have. */
    public static final List<String> OPTIONAL_COLUMNS = List.of(AMBIENT_TEMPERATURE, FORCE);

    /** Longest run time accepted, seconds (about 31 years): keeps microsecond arithmetic far from overflow. */
    public static final double MAX_TIME_SECONDS = 1e9;

    private static final List<String> ALL_COLUMNS = List.of(TIME, VOLTAGE, CURRENT, CELL_TEMPERATURE,
        AMBIENT_TEMPERATURE, FORCE);
    private static final int T = 0;
    private static final int V = 1;
    private static final int I = 2;
    private static final int TC = 3;
    private static final int TA = 4;
    private static final int F = 5;

    /** Reads {@code file} as a run of {@code channel}. */
    public Run read(final Path file, final ChannelInfo channel) throws IOException, RunFormatException {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(r, String.valueOf(file.getFileName()), channel);
        }
    }

    /**
     * Reads a run from {@code reader}.
     *
     * @param source name of the input for messages (the file name)
     */
    public Run read(final Reader reader, final String source, final ChannelInfo channel)
        throws IOException, RunFormatException {
        final BufferedReader in = reader instanceof BufferedReader b ? b : new BufferedReader(reader);
        final Run.Builder run = Run.builder(source);
        long lineNo = 0;
        int[] fieldOfColumn = null;
        int columns = 0;
        int timeColumn = -1;
        final List<String> cells = new ArrayList<>();
        final double[] values = new double[ALL_COLUMNS.size()];
        String line;
        while (true) {
            try {
                line = in.readLine();
            } catch (CharacterCodingException e) {
                // The reader decodes ahead of the line it returns, so the exact line is not known.
                throw new RunFormatException(source, 0, null, "not UTF-8 text (the bad bytes are at or after line "
                    + (lineNo + 1) + ")");
            }
            if (line == null) {
                break;
            }
            lineNo++;
            if (lineNo == 1 && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
                line = line.substring(1); // byte order mark, written by spreadsheet exports
            }
            final String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.charAt(0) == '#') {
                continue;
            }
            split(trimmed, cells);
            if (fieldOfColumn == null) {
                fieldOfColumn = header(cells, source, lineNo);
                columns = cells.size();
                timeColumn = columnOf(fieldOfColumn, T);
                continue;
            }
            if (cells.size() != columns) {
                throw new RunFormatException(source, lineNo, null, cells.size() + " cells, but the header has "
                    + columns + " columns");
            }
            Arrays.fill(values, Double.NaN);
            for (int c = 0; c < columns; c++) {
                final int field = fieldOfColumn[c];
                values[field] = number(cells.get(c), field, source, lineNo, c);
            }
            final double t = values[T];
            if (t < 0 || t > MAX_TIME_SECONDS) {
                throw new RunFormatException(source, lineNo, columnName(timeColumn, T), "'" + cells.get(timeColumn)
                    + "' is outside 0.." + (long) MAX_TIME_SECONDS + " seconds");
            }
            run.add(lineNo, Math.round(t * 1e6), (float) values[V], (float) values[I], (float) values[TC],
                (float) values[TA], (float) values[F]);
        }
        if (fieldOfColumn == null) {
            throw new RunFormatException(source, 0, null, "no header line; the first line must name the columns, "
                + "e.g. " + String.join(",", REQUIRED_COLUMNS));
        }
        if (run.size() == 0) {
            throw new RunFormatException(source, 0, null, "the file has a header but no samples");
        }
        return run.build(channel);
    }

    /** Maps each header cell to its field index; checks names, repeats and the required columns. */
    private static int[] header(final List<String> cells, final String source, final long lineNo)
        throws RunFormatException {
        final int[] fieldOfColumn = new int[cells.size()];
        final boolean[] seen = new boolean[ALL_COLUMNS.size()];
        for (int c = 0; c < cells.size(); c++) {
            final String name = cells.get(c).toLowerCase(Locale.ROOT);
            final int field = ALL_COLUMNS.indexOf(name);
            if (field < 0) {
                final String hint = looksNumeric(name)
                    ? "; the first line must be a header naming the columns, e.g. " + String.join(",", REQUIRED_COLUMNS)
                    : "";
                throw new RunFormatException(source, lineNo, (c + 1) + " ('" + cells.get(c) + "')",
                    "unknown column; known columns are " + String.join(", ", ALL_COLUMNS) + hint);
            }
            if (seen[field]) {
                throw new RunFormatException(source, lineNo, (c + 1) + " (" + name + ")", "column appears twice");
            }
            seen[field] = true;
            fieldOfColumn[c] = field;
        }
        for (String required : REQUIRED_COLUMNS) {
            if (!seen[ALL_COLUMNS.indexOf(required)]) {
                throw new RunFormatException(source, lineNo, null, "missing required column " + required
                    + " (the header has " + String.join(", ", cells) + "; required: "
                    + String.join(", ", REQUIRED_COLUMNS) + ")");
            }
        }
        return fieldOfColumn;
    }

    private static double number(final String cell, final int field, final String source, final long lineNo,
                                 final int column) throws RunFormatException {
        final boolean optional = field >= TA;
        if (cell.isEmpty() || optional && "nan".equalsIgnoreCase(cell)) {
            if (optional) {
                return Double.NaN;
            }
            throw new RunFormatException(source, lineNo, columnName(column, field), "empty, but "
                + ALL_COLUMNS.get(field) + " is required on every row");
        }
        if (!looksNumeric(cell)) {
            throw new RunFormatException(source, lineNo, columnName(column, field), "'" + cell + "' is not a number");
        }
        final double v;
        try {
            v = Double.parseDouble(cell);
        } catch (NumberFormatException e) {
            throw new RunFormatException(source, lineNo, columnName(column, field), "'" + cell + "' is not a number");
        }
        if (field != T && Float.isInfinite((float) v)) {
            throw new RunFormatException(source, lineNo, columnName(column, field), "'" + cell
                + "' is too large for a 32-bit float");
        }
        return v;
    }

    /** Digits, sign, dot and exponent only: keeps out what Double.parseDouble would also take (NaN, 0x1p3, 1d). */
    private static boolean looksNumeric(final String s) {
        boolean digit = false;
        for (int i = 0; i < s.length(); i++) {
            final char ch = s.charAt(i);
            if (ch >= '0' && ch <= '9') {
                digit = true;
            } else if (ch != '.' && ch != '-' && ch != '+' && ch != 'e' && ch != 'E') {
                return false;
            }
        }
        return digit;
    }

    private static String columnName(final int column, final int field) {
        return (column + 1) + " (" + ALL_COLUMNS.get(field) + ")";
    }

    private static int columnOf(final int[] fieldOfColumn, final int field) {
        for (int c = 0; c < fieldOfColumn.length; c++) {
            if (fieldOfColumn[c] == field) {
                return c;
            }
        }
        throw new IllegalStateException("no column for field " + field);
    }

    /** Splits on commas, trims each cell and removes one pair of surrounding double quotes. */
    private static void split(final String line, final List<String> out) {
        out.clear();
        int start = 0;
        while (true) {
            final int comma = line.indexOf(',', start);
            final String cell = (comma < 0 ? line.substring(start) : line.substring(start, comma)).strip();
            out.add(cell.length() >= 2 && cell.charAt(0) == '"' && cell.charAt(cell.length() - 1) == '"'
                ? cell.substring(1, cell.length() - 1).strip() : cell);
            if (comma < 0) {
                return;
            }
            start = comma + 1;
        }
    }
}
