package io.cellwatch.core.recordings;

import java.nio.file.Path;
import java.util.List;

/**
 * Maccor text export: line 1 is a title ("Today's Date ... Procedure: ..."), line 2 the tab-separated header, then
 * one tab-separated row per record; CRLF line ends.
 *
 * <ul>
 * <li>Time: {@code Test (Sec)}, the elapsed test time (0.01 s resolution), as microseconds since the test start.
 *     ({@code DPt Time} is a local wall-clock date with 1 s resolution and no zone; {@code Step (Sec)} restarts at
 *     every step.)</li>
 * <li>Current: {@code Amps}. This export is already signed the CellWatch way: every State=C row is positive and
 *     every State=D row negative (checked in the tests). Maccor can also export the magnitude only, with the
 *     direction in {@code State}; a positive value on a D (discharge) row is therefore negated.</li>
 * <li>Voltage: {@code Volts}. Temperature: none in this export, NaN.</li>
 * </ul>
 */
public final class MaccorTextReader {
    private MaccorTextReader() {
    }

    public static Recording read(final Path file) {
        return parse(file.getFileName().toString(), TextLines.read(file));
    }

    public static Recording parse(final String name, final String text) {
        final List<String> lines = TextLines.lines(text);
        final String[] header = lines.get(1).split("\t", -1); // line 1 is the title
        final int time = TextLines.column(header, "Test (Sec)");
        final int volts = TextLines.column(header, "Volts");
        final int amps = TextLines.column(header, "Amps");
        final int state = TextLines.column(header, "State");
        final Recording.Builder out = new Recording.Builder(name);
        for (int i = 2; i < lines.size(); i++) {
            final String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            try {
                final String[] f = line.split("\t", -1);
                final double a = TextLines.number(f[amps]);
                final double current = "D".equals(f[state].trim()) && a > 0 ? -a : a;
                out.row(i + 1, TextLines.micros(f[time], 1_000_000L), TextLines.number(f[volts]), current, Double.NaN);
            } catch (RuntimeException e) {
                out.unparseable(i + 1, line, e);
            }
        }
        return out.build();
    }
}
