package io.cellwatch.replay.imports;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * BioLogic EC-Lab export: either the ASCII export with its header block ({@code EC-Lab ASCII FILE},
 * {@code Nb header lines : N}, the column names on line N, tab-separated), or a table saved as CSV with the column
 * names on line 1 ({@code ;mode;ox;...;time/s;Ecell/V;...}, ';'-separated in beep's files).
 *
 * <ul>
 *   <li>Time: {@code time/s}. Usually elapsed seconds, with the start from {@code Acquisition started on :} in the
 *       header block; in some exports it holds a date ({@code 05/05/2021 15:36:22.757}, a local wall clock read in
 *       {@code --zone}), which is then the rig time of each sample.</li>
 *   <li>Current: {@code I/mA} or {@code <I>/mA}, divided by 1000 ({@code I/A} as is). EC-Lab's sign is + = oxidation
 *       at the working electrode, which for a full cell wired positive-to-working is charge: kept.</li>
 *   <li>Voltage: {@code Ecell/V}, else {@code Ewe/V} or {@code <Ewe>/V}. Cell temperature: {@code T/°C} (the degree
 *       sign may be lost), absent when blank.</li>
 *   <li>European exports write decimal commas; with ';' or tab as separator, a ',' in a number is read as the
 *       decimal point.</li>
 * </ul>
 */
public final class BiologicImporter implements CyclerImporter {
    private static final int HEADER_SEARCH_LINES = 200;

    @Override
    public void read(final TextInput in, final ImportOptions options, final FileFacts facts, final ImportSink sink)
        throws IOException, ImportException {
        final Times.DateReader dates = new Times.DateReader(options.dateFormat(), options.zone());
        String line = in.next();
        int headerLine = 0;
        if (line != null && line.strip().startsWith("EC-Lab ASCII FILE")) {
            facts.about.add("EC-Lab ASCII export");
            while ((line = in.next()) != null) {
                final String t = line.strip();
                final String lower = t.toLowerCase(Locale.ROOT);
                if (lower.startsWith("nb header lines")) {
                    try {
                        headerLine = Integer.parseInt(t.substring(t.indexOf(':') + 1).strip());
                    } catch (NumberFormatException | IndexOutOfBoundsException e) {
                        throw new ImportException(in.source(), in.lineNumber(), "cannot read the number of header "
                            + "lines: '" + t + "'");
                    }
                } else if (lower.startsWith("acquisition started on")) {
                    final String date = t.substring(t.indexOf(':') + 1).strip();
                    try {
                        facts.start(dates.read(date), "'Acquisition started on' (line " + in.lineNumber() + ", "
                            + date + ", read in zone " + options.zoneName() + ")");
                    } catch (NumberFormatException e) {
                        facts.afterwards.add("the acquisition start was not read: " + e.getMessage());
                    }
                }
                if (headerLine > 0 && in.lineNumber() == headerLine) {
                    break;
                }
            }
        } else {
            while (line != null && !line.contains("time/s") && in.lineNumber() < HEADER_SEARCH_LINES) {
                line = in.next();
            }
        }
        if (line == null || !line.contains("time/s")) {
            throw new ImportException(in.source(), 0, "no BioLogic column header (a line with time/s)"
                + (headerLine > 0 ? " at line " + headerLine + " (Nb header lines)" : ""));
        }
        final char sep = Cells.guessSeparator(line);
        final boolean decimalComma = sep != ',';
        final List<String> cells = new ArrayList<>();
        Cells.split(line, sep, cells);
        final Header h = new Header(cells, in.lineNumber(), in.source());
        final int time = h.require("time", "time/s");
        final int volts = h.find("Ecell/V", "Ewe/V", "<Ewe>/V", "<Ecell>/V");
        if (volts < 0) {
            throw h.missing("voltage", "Ecell/V", "Ewe/V", "<Ewe>/V");
        }
        final int milliamps = h.find("I/mA", "<I>/mA");
        final int amps = milliamps >= 0 ? milliamps : h.require("current", "I/mA", "<I>/mA", "I/A", "<I>/A");
        final double ampsPerUnit = (milliamps >= 0 ? 0.001 : 1.0) * options.currentFactor();
        final double voltsFactor = options.voltageFactor();
        final int temperature = h.findStartingWith("T/", "Temperature/");
        facts.columns.add("time: '" + h.name(time) + "', elapsed s or dates");
        facts.columns.add("voltage: '" + h.name(volts) + "', V" + ArbinImporter.scaleNote(voltsFactor));
        facts.columns.add("current: '" + h.name(amps) + "', " + (milliamps >= 0 ? "mA" : "A")
            + ", + = charge (oxidation) as exported" + ArbinImporter.scaleNote(options.currentFactor()));
        facts.columns.add("cell temperature: " + (temperature >= 0 ? "'" + h.name(temperature) + "', C" : "none"));

        while ((line = in.next()) != null) {
            if (line.isBlank()) {
                continue;
            }
            final long n = in.lineNumber();
            try {
                Cells.split(line, sep, cells);
                if (time >= cells.size() || cells.get(time).isEmpty()) {
                    throw new NumberFormatException("no time");
                }
                final String t = cells.get(time);
                final boolean dated = Times.looksLikeDate(t);
                final long micros = dated ? dates.read(t) : Numbers.micros(t, 1_000_000L, decimalComma);
                sink.sample(n, dated, micros, Numbers.required(cells, volts, "voltage", decimalComma) * voltsFactor,
                    Numbers.required(cells, amps, "current", decimalComma) * ampsPerUnit,
                    Numbers.optional(cells, temperature, decimalComma), Double.NaN, Double.NaN);
            } catch (NumberFormatException | ArithmeticException e) {
                sink.unparseable(n, line, e.getMessage());
            }
        }
    }
}
