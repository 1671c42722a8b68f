package io.cellwatch.replay.imports;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Neware BTS CSV export, nested or flat. The nested export has three header lines (cycle, step, record), then cycle
 * rows (no leading comma), step rows (one leading comma) and record rows (two leading commas); the flat export has
 * the record header on line 1 and only record rows. The record header is the line naming {@code Voltage(V)}; its
 * leading empty cells say how record rows start. Only record rows are samples: cycle and step rows are summaries,
 * skipped and counted, not reported as unparseable.
 *
 * <ul>
 *   <li>Time: {@code Total Time}, elapsed {@code h:mm:ss[.fff]} since the test start, hours going past 24
 *       ({@code 27:55:43}), 1 s resolution, so consecutive records often share a second (duplicate timestamps, kept).
 *       The start is the first record's {@code Date} minus its total time ({@code --zone}). ({@code Time} is the
 *       step time, which restarts at every step, and is not used.)</li>
 *   <li>Current: {@code Current(A)} ({@code Current(mA)} divided by 1000); Neware writes discharge as negative, so
 *       + is charge already.</li>
 *   <li>Voltage: {@code Voltage(V)} ({@code Voltage(mV)} divided by 1000). Cell temperature: the {@code T1(...)}
 *       auxiliary column, found by name because its unit often lost the degree sign ({@code T1(?)}).</li>
 * </ul>
 */
public final class NewareImporter implements CyclerImporter {
    private static final int HEADER_SEARCH_LINES = 50;

    @Override
    public void read(final TextInput in, final ImportOptions options, final FileFacts facts, final ImportSink sink)
        throws IOException, ImportException {
        final List<String> cells = new ArrayList<>();
        String line;
        Header h = null;
        int indent = 0;
        char sep = ',';
        while ((line = in.next()) != null && in.lineNumber() <= HEADER_SEARCH_LINES) {
            sep = Cells.guessSeparator(line);
            Cells.split(line, sep, cells);
            final Header candidate = new Header(cells, in.lineNumber(), in.source());
            if (candidate.find("Voltage(V)", "Voltage(mV)") >= 0) {
                h = candidate;
                while (indent < cells.size() && cells.get(indent).isEmpty()) {
                    indent++;
                }
                break;
            }
        }
        if (h == null) {
            throw new ImportException(in.source(), 0, "no Neware record header (a line naming Voltage(V)) in the "
                + "first " + HEADER_SEARCH_LINES + " lines");
        }
        final int time = h.find("Total Time", "TotalTime");
        final int date = h.find("Date", "Realtime", "Real Time");
        if (time < 0 && date < 0) {
            throw h.missing("time", "Total Time", "Date", "Realtime");
        }
        final int millivolts = h.find("Voltage(mV)");
        final int volts = millivolts >= 0 ? millivolts : h.require("voltage", "Voltage(V)");
        final int milliamps = h.find("Current(mA)");
        final int amps = milliamps >= 0 ? milliamps : h.require("current", "Current(A)");
        final double voltsPerUnit = (millivolts >= 0 ? 0.001 : 1.0) * options.voltageFactor();
        final double ampsPerUnit = (milliamps >= 0 ? 0.001 : 1.0) * options.currentFactor();
        final int temperature = h.findStartingWith("T1(", "T1 (", "Temperature");
        facts.columns.add(time >= 0 ? "time: '" + h.name(time) + "', elapsed h:mm:ss" + (date >= 0 ? "; start from '"
            + h.name(date) + "' of the first record" : "") : "time: '" + h.name(date) + "', dates (rig time)");
        facts.columns.add("voltage: '" + h.name(volts) + "', " + (millivolts >= 0 ? "mV" : "V")
            + ArbinImporter.scaleNote(options.voltageFactor()));
        facts.columns.add("current: '" + h.name(amps) + "', " + (milliamps >= 0 ? "mA" : "A")
            + ", + = charge as exported"
            + ArbinImporter.scaleNote(options.currentFactor()));
        facts.columns.add("cell temperature: " + (temperature >= 0 ? "'" + h.name(temperature) + "', C" : "none"));
        if (indent > 0) {
            facts.about.add("nested export: record rows start with " + indent + " empty cells");
        }

        final Times.DateReader dates = new Times.DateReader(options.dateFormat(), options.zone());
        boolean startRead = time < 0 || date < 0;
        while ((line = in.next()) != null) {
            if (line.isBlank()) {
                continue;
            }
            final long n = in.lineNumber();
            if (!isRecordRow(line, sep, indent)) {
                sink.skipped(n, "cycle and step summary rows");
                continue;
            }
            try {
                Cells.split(line, sep, cells);
                final boolean dated = time < 0;
                final long micros;
                if (dated) {
                    micros = dates.read(cell(cells, date, "date"));
                } else {
                    micros = Times.elapsedHms(cell(cells, time, "total time"));
                }
                if (!startRead) {
                    startRead = true;
                    try {
                        facts.start(dates.read(cell(cells, date, "date")) - micros, "'" + h.name(date)
                            + "' of line " + n + " (" + cells.get(date) + ", read in zone " + options.zoneName()
                            + ") minus its total time");
                    } catch (NumberFormatException | ArithmeticException e) {
                        facts.afterwards.add("the start date was not read from line " + n + ": " + e.getMessage());
                    }
                }
                sink.sample(n, dated, micros, Numbers.required(cells, volts, "voltage", false) * voltsPerUnit,
                    Numbers.required(cells, amps, "current", false) * ampsPerUnit,
                    Numbers.optional(cells, temperature, false), Double.NaN, Double.NaN);
            } catch (NumberFormatException | ArithmeticException e) {
                sink.unparseable(n, line, e.getMessage());
            }
        }
    }

    private static String cell(final List<String> cells, final int column, final String what) {
        if (column >= cells.size() || cells.get(column).isEmpty()) {
            throw new NumberFormatException("no " + what);
        }
        return cells.get(column);
    }

    /** A record row starts with exactly {@code indent} empty cells. */
    private static boolean isRecordRow(final String line, final char sep, final int indent) {
        int pos = 0;
        for (int i = 0; i < indent; i++) {
            while (pos < line.length() && line.charAt(pos) == ' ') {
                pos++;
            }
            if (pos >= line.length() || line.charAt(pos) != sep) {
                return false;
            }
            pos++;
        }
        while (pos < line.length() && line.charAt(pos) == ' ') {
            pos++;
        }
        return pos < line.length() && line.charAt(pos) != sep;
    }
}
