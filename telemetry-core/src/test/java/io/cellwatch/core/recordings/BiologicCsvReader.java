package io.cellwatch.core.recordings;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.List;

/**
 * BioLogic EC-Lab export saved as ';'-separated CSV: one header line ({@code ;mode;ox;...;time/s;Ecell/V;...}), then
 * one row per point.
 *
 * <ul>
 * <li>Time: {@code time/s}. In this export it holds a date, {@code MM/dd/yyyy HH:mm:ss.SSS}, the lab's local wall
 *     clock with no zone; it is read as if it were UTC, i.e. microseconds since 1970-01-01T00:00 of that wall clock
 *     (no daylight-saving jumps can appear that way). A plain number of seconds (EC-Lab's usual content) is read too.</li>
 * <li>Current: {@code I/mA}, divided by 1000. EC-Lab's sign is + = oxidation at the working electrode, which for a
 *     full cell wired positive-to-working is charge: the +2.5 A pulse and the +0.07..0.36 A CC-CV rows raise the
 *     voltage to 4.2 V, the -0.36 A rows take it down to 3.0 V. Kept as is.</li>
 * <li>Voltage: {@code Ecell/V} (or {@code Ewe/V}). Temperature: {@code T/°C}, NaN when blank (it is blank in every
 *     row of the sample file).</li>
 * </ul>
 */
public final class BiologicCsvReader {
    private static final DateTimeFormatter DATE = new DateTimeFormatterBuilder()
        .appendPattern("MM/dd/yyyy HH:mm:ss")
        .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
        .toFormatter();

    private BiologicCsvReader() {
    }

    public static Recording read(final Path file) {
        return parse(file.getFileName().toString(), TextLines.read(file));
    }

    public static Recording parse(final String name, final String text) {
        final List<String> lines = TextLines.lines(text);
        final String[] header = lines.get(0).split(";", -1);
        final int time = TextLines.column(header, "time/s");
        final int ecell = TextLines.columnStartingWith(header, "Ecell/V");
        final int volts = ecell >= 0 ? ecell : TextLines.column(header, "Ewe/V");
        final int milliamps = TextLines.column(header, "I/mA");
        final int temperature = TextLines.columnStartingWith(header, "T/");
        final Recording.Builder out = new Recording.Builder(name);
        for (int i = 1; i < lines.size(); i++) {
            final String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            try {
                final String[] f = line.split(";", -1);
                out.row(i + 1, micros(f[time]), TextLines.number(f[volts]), TextLines.number(f[milliamps]) / 1000.0,
                    TextLines.optional(f, temperature));
            } catch (RuntimeException e) {
                out.unparseable(i + 1, line, e);
            }
        }
        return out.build();
    }

    private static long micros(final String time) {
        if (time.indexOf('/') < 0) {
            return TextLines.micros(time, 1_000_000L);
        }
        final LocalDateTime t = LocalDateTime.parse(time.trim(), DATE);
        return t.toEpochSecond(ZoneOffset.UTC) * 1_000_000L + t.getNano() / 1_000;
    }
}
