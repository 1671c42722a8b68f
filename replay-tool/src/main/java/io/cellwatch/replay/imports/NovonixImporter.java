package io.cellwatch.replay.imports;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Novonix UHPC CSV: a {@code [Summary]} block of {@code key: value} lines, a {@code [Protocol]} block, then
 * {@code [Data]}: a ','-separated header line and one row per point. A file without the blocks (header on line 1)
 * is read too.
 *
 * <ul>
 *   <li>Time: {@code Run Time (h)}, decimal hours with 7 decimals (0.36 ms), elapsed since the run start; the start is
 *       {@code Started:} of the summary (a local date, {@code --zone}).</li>
 *   <li>Current: {@code Current (A)}; Novonix writes charge as positive: kept. Voltage: {@code Potential (V)}.</li>
 *   <li>Cell temperature: {@code Temperature (°C)}, the cell probe. {@code Circuit Temperature (°C)} is the
 *       instrument's own board temperature: neither the cell nor the ambient, so it is not read.</li>
 *   <li>Metadata: {@code Serial Number} or {@code CellID} (the first that is not empty) is the cell serial;
 *       {@code Capacity (Ah)} the rated capacity.</li>
 * </ul>
 */
public final class NovonixImporter implements CyclerImporter {
    private static final int HEADER_SEARCH_LINES = 500;

    @Override
    public void read(final TextInput in, final ImportOptions options, final FileFacts facts, final ImportSink sink)
        throws IOException, ImportException {
        final Times.DateReader dates = new Times.DateReader(options.dateFormat(), options.zone());
        String line = in.next();
        String header = null;
        boolean inSummary = false;
        boolean sections = false;
        while (line != null && in.lineNumber() <= HEADER_SEARCH_LINES) {
            final String t = line.strip();
            if ("[Summary]".equalsIgnoreCase(t)) {
                inSummary = true;
                sections = true;
            } else if (t.startsWith("[End")) {
                inSummary = false;
            } else if ("[Data]".equalsIgnoreCase(t)) {
                header = in.next();
                break;
            } else if (inSummary) {
                summary(t, in.lineNumber(), dates, options, facts);
            } else if (!sections && (t.contains("Run Time (h)") || t.contains("Potential (V)"))) {
                header = line;
                break;
            }
            line = in.next();
        }
        if (header == null) {
            throw new ImportException(in.source(), 0, "no [Data] section or Novonix column header (Run Time (h), "
                + "Potential (V)) in the first " + HEADER_SEARCH_LINES + " lines");
        }
        final List<String> cells = new ArrayList<>();
        Cells.split(header, ',', cells);
        final Header h = new Header(cells, in.lineNumber(), in.source());
        final int hours = h.find("Run Time (h)");
        final int date = h.find("Date and Time");
        if (hours < 0 && date < 0) {
            throw h.missing("time", "Run Time (h)", "Date and Time");
        }
        final int volts = h.require("voltage", "Potential (V)", "Voltage (V)");
        final int amps = h.require("current", "Current (A)");
        final int temperature = h.findStartingWith("Temperature (", "Temperature(");
        final double voltsFactor = options.voltageFactor();
        final double ampsFactor = options.currentFactor();
        facts.columns.add(hours >= 0 ? "time: '" + h.name(hours) + "', elapsed hours"
            : "time: '" + h.name(date) + "', dates (rig time)");
        facts.columns.add("voltage: '" + h.name(volts) + "', V" + ArbinImporter.scaleNote(voltsFactor));
        facts.columns.add("current: '" + h.name(amps) + "', A, + = charge as exported"
            + ArbinImporter.scaleNote(ampsFactor));
        facts.columns.add("cell temperature: " + (temperature >= 0 ? "'" + h.name(temperature) + "', C" : "none")
            + (h.findStartingWith("Circuit Temperature") >= 0 ? " ('Circuit Temperature' is the instrument's, "
            + "not read)" : ""));

        while ((line = in.next()) != null) {
            if (line.isBlank()) {
                continue;
            }
            final long n = in.lineNumber();
            try {
                Cells.split(line, ',', cells);
                final boolean dated = hours < 0;
                final int col = dated ? date : hours;
                if (col >= cells.size() || cells.get(col).isEmpty()) {
                    throw new NumberFormatException("no time");
                }
                final long micros = dated ? dates.read(cells.get(col))
                    : Numbers.micros(cells.get(col), 3_600_000_000L, false);
                sink.sample(n, dated, micros, Numbers.required(cells, volts, "voltage", false) * voltsFactor,
                    Numbers.required(cells, amps, "current", false) * ampsFactor,
                    Numbers.optional(cells, temperature, false), Double.NaN, Double.NaN);
            } catch (NumberFormatException | ArithmeticException e) {
                sink.unparseable(n, line, e.getMessage());
            }
        }
    }

    private static void summary(final String t, final long line, final Times.DateReader dates,
                                final ImportOptions options, final FileFacts facts) {
        final int colon = t.indexOf(':');
        if (colon <= 0) {
            if (!t.isEmpty()) {
                facts.about.add(t);
            }
            return;
        }
        final String key = t.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        final String value = t.substring(colon + 1).strip();
        if (value.isEmpty()) {
            return;
        }
        switch (key) {
            case "serial number", "cellid", "cell id" -> {
                if (facts.serial == null) {
                    facts.serial = value;
                    facts.serialFrom = "'" + t.substring(0, colon).strip() + "' of the summary (line " + line + ")";
                }
            }
            case "capacity (ah)" -> {
                try {
                    final double ah = Numbers.parse(value, false);
                    if (ah > 0 && Double.isFinite(ah)) {
                        facts.capacityAh = ah;
                        facts.capacityFrom = "'Capacity (Ah)' of the summary (line " + line + ")";
                    }
                } catch (NumberFormatException e) {
                    facts.afterwards.add("the summary's capacity '" + value + "' is not a number");
                }
            }
            case "started" -> {
                try {
                    facts.start(dates.read(value), "'Started' of the summary (line " + line + ", " + value
                        + ", read in zone " + options.zoneName() + ")");
                } catch (NumberFormatException e) {
                    facts.afterwards.add("the summary's start '" + value + "' was not read: " + e.getMessage());
                }
            }
            case "cell", "description" -> facts.about.add(t.substring(0, colon).strip() + ": " + value);
            default -> { }
        }
    }
}
