package io.cellwatch.core.recordings;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;

/**
 * Neware BTS nested export: three header lines (cycle, step, record), then cycle rows (no leading comma), step rows
 * (one leading comma) and record rows (two leading commas). Only record rows are samples; the others are summaries
 * and are skipped, not reported as unparseable.
 *
 * <ul>
 * <li>Time: {@code Total Time}, elapsed {@code h:mm:ss} since the test start, with hours going past 24
 *     ({@code 27:55:43}), 1 s resolution, so consecutive records often share a second (duplicate timestamps; kept).
 *     {@link Clock#STEP_TIME} reads {@code Time} instead, the step time, which restarts at 00:00:00 at every step:
 *     only to show what a wrong clock column does.</li>
 * <li>Current: {@code Current(A)}; Neware writes discharge as negative (the CC DChg records are -0.5 A), so + is
 *     charge already. Voltage: {@code Voltage(V)}.</li>
 * <li>Temperature: the {@code T1(...)} auxiliary column; its unit lost its degree sign in this export
 *     ({@code T1(?)}), so the column is found by its name, not its unit. NaN when absent or blank.</li>
 * </ul>
 */
public final class NewareCsvReader {
    /** Which column is the clock. */
    public enum Clock { TOTAL_TIME, STEP_TIME }

    private NewareCsvReader() {
    }

    public static Recording read(final Path file) {
        return read(file, Clock.TOTAL_TIME);
    }

    public static Recording read(final Path file, final Clock clock) {
        return parse(file.getFileName().toString(), TextLines.read(file), clock);
    }

    public static Recording parse(final String name, final String text, final Clock clock) {
        final List<String> lines = TextLines.lines(text);
        final Recording.Builder out = new Recording.Builder(name);
        String[] header = null;
        int time = -1;
        int volts = -1;
        int amps = -1;
        int temperature = -1;
        for (int i = 0; i < lines.size(); i++) {
            final String line = lines.get(i);
            if (!line.startsWith(",,")) {
                continue; // cycle row, step row, their headers, or blank
            }
            final String[] f = line.split(",", -1);
            if (header == null) { // the first ',,' line is the record header
                header = f;
                time = TextLines.column(header, clock == Clock.TOTAL_TIME ? "Total Time" : "Time");
                volts = TextLines.column(header, "Voltage(V)");
                amps = TextLines.column(header, "Current(A)");
                temperature = TextLines.columnStartingWith(header, "T1(");
                continue;
            }
            try {
                out.row(i + 1, elapsedMicros(f[time]), TextLines.number(f[volts]), TextLines.number(f[amps]),
                    TextLines.optional(f, temperature));
            } catch (RuntimeException e) {
                out.unparseable(i + 1, line, e);
            }
        }
        return out.build();
    }

    /** {@code h:mm:ss[.fff]} with any number of hours, as microseconds. */
    static long elapsedMicros(final String hms) {
        final String[] p = hms.trim().split(":", -1);
        if (p.length != 3) {
            throw new IllegalArgumentException("not h:mm:ss: '" + hms + "'");
        }
        final long hours = Long.parseLong(p[0]);
        final long minutes = Long.parseLong(p[1]);
        if (hours < 0 || minutes < 0 || minutes > 59 || p[2].startsWith("-")) {
            throw new IllegalArgumentException("not h:mm:ss: '" + hms + "'");
        }
        final long seconds = new BigDecimal(p[2]).movePointRight(6).longValueExact();
        return (hours * 3600 + minutes * 60) * 1_000_000L + seconds;
    }
}
