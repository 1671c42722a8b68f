package io.cellwatch.core.recordings;

import java.nio.file.Path;
import java.util.List;

/**
 * Arbin CSV export (as written by Arbin's MITS Pro data export used in beep): one header line, then one row per
 * data point, ',' separated.
 *
 * <ul>
 * <li>Time: {@code DateTime}, which holds Unix epoch seconds with four decimals (1494377253.17), not a date; read
 *     exactly as microseconds since 1970-01-01T00:00Z. ({@code Test_Time} is the elapsed time; the epoch column is the
 *     quirk this reader handles.)</li>
 * <li>Current: {@code Current}, A. Arbin writes charge as positive: in the LFP file the 6.6 A rows are the ones where
 *     the voltage climbs from 3.30 V to 3.60 V. Kept as is.</li>
 * <li>Voltage: {@code Voltage}, V. Temperature: {@code Temperature} (an auxiliary thermocouple on the cell), C,
 *     NaN when the column is absent or blank.</li>
 * </ul>
 */
public final class ArbinCsvReader {
    private ArbinCsvReader() {
    }

    public static Recording read(final Path file) {
        return parse(file.getFileName().toString(), TextLines.read(file));
    }

    public static Recording parse(final String name, final String text) {
        final List<String> lines = TextLines.lines(text);
        final String[] header = lines.get(0).split(",", -1);
        final int time = TextLines.column(header, "DateTime");
        final int volts = TextLines.column(header, "Voltage");
        final int amps = TextLines.column(header, "Current");
        final int temperature = TextLines.columnStartingWith(header, "Temperature");
        final Recording.Builder out = new Recording.Builder(name);
        for (int i = 1; i < lines.size(); i++) {
            final String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            try {
                final String[] f = line.split(",", -1);
                out.row(i + 1, TextLines.micros(f[time], 1_000_000L), TextLines.number(f[volts]),
                    TextLines.number(f[amps]), TextLines.optional(f, temperature));
            } catch (RuntimeException e) {
                out.unparseable(i + 1, line, e);
            }
        }
        return out.build();
    }
}
