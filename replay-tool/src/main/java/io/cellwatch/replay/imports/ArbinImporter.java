package io.cellwatch.replay.imports;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Arbin CSV export (MITS Pro data export): one header line, then one row per data point.
 *
 * <ul>
 *   <li>Time: {@code DateTime} / {@code Date_Time} when present: epoch seconds ({@code 1494377253.17}, as in beep's
 *       files) or a date; the rig time of each sample. Otherwise {@code Test_Time(s)}, elapsed seconds, with the run's
 *       start from the side file's {@code First_Start_DateTime}.</li>
 *   <li>Current: {@code Current(A)} (or {@code Current}), A; {@code Current(mA)} is divided by 1000. Arbin writes
 *       charge as positive: kept.</li>
 *   <li>Voltage: {@code Voltage(V)} (or {@code Voltage}). Cell temperature: the first {@code Temperature...} or
 *       {@code Aux_Temperature...} column, C, absent when blank.</li>
 *   <li>Metadata: a side file {@code <name>_Metadata.csv} next to the export (one header line, one value line) gives
 *       the cell serial ({@code Item_ID}) and the start ({@code First_Start_DateTime}, epoch seconds).</li>
 * </ul>
 */
public final class ArbinImporter implements CyclerImporter {
    @Override
    public void read(final TextInput in, final ImportOptions options, final FileFacts facts, final ImportSink sink)
        throws IOException, ImportException {
        readMetadata(options.file(), facts);
        String line = in.next();
        while (line != null && line.isBlank()) {
            line = in.next();
        }
        if (line == null) {
            throw new ImportException(in.source(), 0, "the file is empty");
        }
        final char sep = Cells.guessSeparator(line);
        final List<String> cells = new ArrayList<>();
        Cells.split(line, sep, cells);
        final Header h = new Header(cells, in.lineNumber(), in.source());
        int time = h.find("DateTime", "Date_Time", "Date Time");
        boolean dated = time >= 0;
        if (!dated) {
            time = h.find("Test_Time(s)", "Test_Time", "Test Time (s)", "Test Time(s)", "Test Time");
        }
        if (time < 0) {
            throw h.missing("time", "DateTime", "Date_Time", "Test_Time(s)", "Test_Time");
        }
        final int volts = h.require("voltage", "Voltage(V)", "Voltage", "Voltage (V)");
        final int milliamps = h.find("Current(mA)", "Current (mA)");
        final int amps = milliamps >= 0 ? milliamps : h.require("current", "Current(A)", "Current", "Current (A)");
        final double ampsPerUnit = (milliamps >= 0 ? 0.001 : 1.0) * options.currentFactor();
        final double voltsFactor = options.voltageFactor();
        final int temperature = h.findStartingWith("Temperature", "Aux_Temperature");
        facts.columns.add("time: '" + h.name(time) + "', " + (dated ? "epoch seconds or dates (rig time)"
            : "elapsed s"));
        facts.columns.add("voltage: '" + h.name(volts) + "', V" + scaleNote(voltsFactor));
        facts.columns.add("current: '" + h.name(amps) + "', " + (milliamps >= 0 ? "mA" : "A")
            + ", + = charge as exported" + scaleNote(options.currentFactor()));
        facts.columns.add("cell temperature: " + (temperature >= 0 ? "'" + h.name(temperature) + "', C" : "none"));

        final Times.DateReader dates = new Times.DateReader(options.dateFormat(), options.zone());
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
                final long micros;
                if (!dated) {
                    micros = Numbers.micros(t, 1_000_000L, false);
                } else if (Times.looksLikeDate(t)) {
                    micros = dates.read(t);
                } else {
                    micros = Numbers.micros(t, 1_000_000L, false);
                }
                sink.sample(n, dated, micros, Numbers.required(cells, volts, "voltage", false) * voltsFactor,
                    Numbers.required(cells, amps, "current", false) * ampsPerUnit,
                    Numbers.optional(cells, temperature, false), Double.NaN, Double.NaN);
            } catch (NumberFormatException | ArithmeticException e) {
                sink.unparseable(n, line, e.getMessage());
            }
        }
    }

    static String scaleNote(final double factor) {
        return factor == 1.0 ? "" : String.format(Locale.ROOT, ", multiplied by %s", factor);
    }

    /** Reads {@code <stem>_Metadata.csv} next to the export, when there is one. */
    private static void readMetadata(final Path file, final FileFacts facts) throws IOException {
        if (file == null) {
            return;
        }
        final String name = String.valueOf(file.getFileName());
        final int dot = name.lastIndexOf('.');
        final Path side = file.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + "_Metadata.csv");
        if (!Files.isRegularFile(side)) {
            return;
        }
        final List<String> lines = Files.readAllLines(side, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (lines.size() < 2) {
            return;
        }
        final List<String> keys = new ArrayList<>();
        final List<String> values = new ArrayList<>();
        Cells.split(lines.get(0), ',', keys);
        Cells.split(lines.get(1), ',', values);
        final Header h = new Header(keys, 1, String.valueOf(side.getFileName()));
        final int item = h.find("Item_ID");
        if (item >= 0 && item < values.size() && !values.get(item).isEmpty()) {
            facts.serial = values.get(item);
            facts.serialFrom = "Item_ID in " + side.getFileName();
        }
        final int started = h.find("First_Start_DateTime");
        if (started >= 0 && started < values.size()) {
            try {
                facts.start(Numbers.micros(values.get(started), 1_000_000L, false),
                    "First_Start_DateTime in " + side.getFileName());
            } catch (NumberFormatException e) {
                // not an epoch number: the export's own times still work
            }
        }
        final int schedule = h.find("Schedule_File_Name");
        if (schedule >= 0 && schedule < values.size()) {
            facts.about.add("schedule " + values.get(schedule));
        }
    }
}
