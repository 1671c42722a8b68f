package io.cellwatch.replay.imports;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Maccor text export: a title line ({@code Today's Date ... Procedure: ...}), the tab-separated header
 * ({@code Rec#  Cyc#  Step  Test (Sec) ...}), then one row per record; CRLF line ends.
 *
 * <ul>
 *   <li>Time: {@code Test (Sec)}, the elapsed test time (0.01 s resolution). The run's start is the first row's
 *       {@code DPt Time} (a local date without zone, 1 s resolution; read in {@code --zone}) minus its test time.
 *       ({@code Step (Sec)} restarts at every step and is not used.)</li>
 *   <li>Current: {@code Amps}. Maccor exports either signed currents or magnitudes with the direction in {@code State}
 *       (C charge, D discharge); a positive current on a D row is negated, so + is charge either way. The summary says
 *       how many rows that touched.</li>
 *   <li>Voltage: {@code Volts}. Cell temperature: the first {@code Temp...} column if any.</li>
 * </ul>
 */
public final class MaccorImporter implements CyclerImporter {
    private static final int HEADER_SEARCH_LINES = 20;

    @Override
    public void read(final TextInput in, final ImportOptions options, final FileFacts facts, final ImportSink sink)
        throws IOException, ImportException {
        final List<String> cells = new ArrayList<>();
        String line;
        Header h = null;
        char sep = '\t';
        while ((line = in.next()) != null && in.lineNumber() <= HEADER_SEARCH_LINES) {
            sep = Cells.guessSeparator(line);
            Cells.split(line, sep, cells);
            final Header candidate = new Header(cells, in.lineNumber(), in.source());
            if (candidate.find("Rec#") >= 0 || candidate.find("Volts", "Voltage") >= 0
                && candidate.find("Amps", "Current") >= 0) {
                h = candidate;
                break;
            }
            if (!line.isBlank()) {
                facts.about.add(line.strip().replaceAll("\\s+", " "));
            }
        }
        if (h == null) {
            throw new ImportException(in.source(), 0, "no Maccor header (a line with Rec#, Volts and Amps) in the "
                + "first " + HEADER_SEARCH_LINES + " lines");
        }
        final int time = h.require("time", "Test (Sec)", "TestTime", "Test Time (sec)", "Test Time (s)", "Test Time");
        final int volts = h.require("voltage", "Volts", "Voltage", "Voltage (V)");
        final int amps = h.require("current", "Amps", "Current", "Current (A)");
        final int state = h.find("State", "MD");
        final int dpt = h.find("DPt Time", "DPtTime", "DPT Time");
        final int temperature = h.findStartingWith("Temp");
        final double voltsFactor = options.voltageFactor();
        final double ampsFactor = options.currentFactor();
        facts.columns.add("time: '" + h.name(time) + "', elapsed s" + (dpt >= 0 ? "; start from '" + h.name(dpt)
            + "' of the first row" : ""));
        facts.columns.add("voltage: '" + h.name(volts) + "', V" + ArbinImporter.scaleNote(voltsFactor));
        facts.columns.add("current: '" + h.name(amps) + "', A" + (state >= 0 ? ", a positive current on a "
            + "discharge (" + h.name(state) + " = D) row is negated" : ", + = charge as exported")
            + ArbinImporter.scaleNote(ampsFactor));
        facts.columns.add("cell temperature: " + (temperature >= 0 ? "'" + h.name(temperature) + "', C" : "none"));

        final Times.DateReader dates = new Times.DateReader(options.dateFormat(), options.zone());
        long negated = 0;
        long discharge = 0;
        boolean startRead = dpt < 0;
        while ((line = in.next()) != null) {
            if (line.isBlank()) {
                continue;
            }
            final long n = in.lineNumber();
            try {
                Cells.split(line, sep, cells);
                if (time >= cells.size()) {
                    throw new NumberFormatException("no time cell (the line has " + cells.size() + " cells)");
                }
                final long micros = Numbers.micros(cells.get(time), 1_000_000L, false);
                double current = Numbers.required(cells, amps, "current", false);
                final double voltage = Numbers.required(cells, volts, "voltage", false);
                final double temp = Numbers.optional(cells, temperature, false);
                if (state >= 0 && state < cells.size() && "D".equalsIgnoreCase(cells.get(state))) {
                    discharge++;
                    if (current > 0) {
                        current = -current;
                        negated++;
                    }
                }
                if (!startRead) {
                    startRead = true;
                    try {
                        facts.start(dates.read(cells.get(dpt)) - micros, "'" + h.name(dpt) + "' of line " + n
                            + " (" + cells.get(dpt) + ", read in zone " + options.zoneName() + ")");
                    } catch (NumberFormatException | ArithmeticException | IndexOutOfBoundsException e) {
                        facts.afterwards.add("the start date was not read from '" + h.name(dpt) + "' of line " + n
                            + ": " + e.getMessage());
                    }
                }
                sink.sample(n, false, micros, voltage * voltsFactor, current * ampsFactor, temp, Double.NaN,
                    Double.NaN);
            } catch (NumberFormatException | ArithmeticException e) {
                sink.unparseable(n, line, e.getMessage());
            }
        }
        if (state >= 0) {
            facts.afterwards.add("current sign: " + discharge + " discharge rows (State D), " + negated
                + " of them written with a positive current and negated");
        }
    }
}
