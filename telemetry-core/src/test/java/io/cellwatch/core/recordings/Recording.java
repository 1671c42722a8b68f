package io.cellwatch.core.recordings;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a reader made of one recording: its rows, and the lines it could not parse.
 *
 * @param name        the file name
 * @param rows        the samples, in file order (duplicate timestamps are kept: they are data)
 * @param unparseable the data lines that could not be read, with their line numbers
 */
public record Recording(String name, List<Row> rows, List<Unparseable> unparseable) {

    /** Where the tests find the recordings (telemetry-core runs its tests in its own directory). */
    public static Path file(final String name) {
        return Path.of("..", "testdata", "recordings", name);
    }

    /**
     * One sample as read from a file.
     *
     * @param line            1-based line number in the file
     * @param timeMicros      time in microseconds since the reader's epoch
     * @param voltage         cell voltage, V
     * @param current         current, A, + = charge
     * @param cellTemperature cell temperature, C, or NaN when the file has none
     */
    public record Row(int line, long timeMicros, double voltage, double current, double cellTemperature) {
        /** The same row with another voltage (to inject a fault into real data). */
        public Row withVoltage(final double volts) {
            return new Row(line, timeMicros, volts, current, cellTemperature);
        }

        /** The same row with another time. */
        public Row withTime(final long micros) {
            return new Row(line, micros, voltage, current, cellTemperature);
        }
    }

    /**
     * A data line that could not be read.
     *
     * @param line   1-based line number
     * @param text   the line
     * @param reason why
     */
    public record Unparseable(int line, String text, String reason) {
    }

    /** The first row read from {@code line}, for tests that name rows by their line in the file. */
    public Row rowAtLine(final int line) {
        for (Row r : rows) {
            if (r.line() == line) {
                return r;
            }
        }
        throw new IllegalArgumentException(name + " has no row at line " + line);
    }

    /** Collects rows and unparseable lines. */
    static final class Builder {
        private final String name;
        private final List<Row> rows = new ArrayList<>();
        private final List<Unparseable> unparseable = new ArrayList<>();

        Builder(final String name) {
            this.name = name;
        }

        void row(final int line, final long timeMicros, final double voltage, final double current,
                 final double cellTemperature) {
            rows.add(new Row(line, timeMicros, voltage, current, cellTemperature));
        }

        void unparseable(final int line, final String text, final RuntimeException why) {
            unparseable.add(new Unparseable(line, text, why.toString()));
        }

        Recording build() {
            return new Recording(name, List.copyOf(rows), List.copyOf(unparseable));
        }
    }
}
