package io.cellwatch.core.recordings;

import java.nio.file.Path;
import java.util.List;

/**
 * Novonix UHPC CSV: a {@code [Summary]} block (key: value lines), a {@code [Protocol]} block (one JSON line), then
 * {@code [Data]}: a ','-separated header line and one row per point. Nothing before {@code [Data]} is a sample.
 *
 * <ul>
 * <li>Time: {@code Run Time (h)}, decimal hours with 7 decimals (0.36 ms), as microseconds since the run start.
 *     ({@code Date and Time} has 1 s resolution.)</li>
 * <li>Current: {@code Current (A)}; Novonix writes charge as positive (the +0.5 A rows raise the voltage from 3.84
 *     to 4.13 V). Voltage: {@code Potential (V)}.</li>
 * <li>Temperature: {@code Temperature (°C)}, the cell probe. {@code Circuit Temperature (°C)} is the instrument's own
 *     board temperature: neither the cell nor the ambient, so it is not read.</li>
 * </ul>
 */
public final class NovonixCsvReader {
    private NovonixCsvReader() {
    }

    public static Recording read(final Path file) {
        return parse(file.getFileName().toString(), TextLines.read(file));
    }

    public static Recording parse(final String name, final String text) {
        final List<String> lines = TextLines.lines(text);
        final int data = lines.indexOf("[Data]");
        if (data < 0 || data + 1 >= lines.size()) {
            throw new IllegalArgumentException(name + ": no [Data] section");
        }
        final String[] header = lines.get(data + 1).split(",", -1);
        final int time = TextLines.column(header, "Run Time (h)");
        final int volts = TextLines.column(header, "Potential (V)");
        final int amps = TextLines.column(header, "Current (A)");
        final int temperature = TextLines.columnStartingWith(header, "Temperature (");
        final Recording.Builder out = new Recording.Builder(name);
        for (int i = data + 2; i < lines.size(); i++) {
            final String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            try {
                final String[] f = line.split(",", -1);
                out.row(i + 1, TextLines.micros(f[time], 3_600_000_000L), TextLines.number(f[volts]),
                    TextLines.number(f[amps]), TextLines.optional(f, temperature));
            } catch (RuntimeException e) {
                out.unparseable(i + 1, line, e);
            }
        }
        return out.build();
    }
}
