package io.cellwatch.replay.imports;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.cellwatch.replay.imports.ColumnMapping.Role;

/**
 * Any delimited text with a header line, read through a column mapping given on the command line
 * ({@code --map time=Test_Time(s),voltage=Voltage(V),current=Current(A),temp=Temperature}); without a mapping, the
 * replay tool's own CSV columns ({@code time_s, voltage_v, current_a, cell_temp_c, ambient_temp_c, force_n}).
 *
 * <ul>
 *   <li>Header: {@code --header-line N}, or the first line naming the mapped time and voltage columns. Lines starting
 *       with '#' and blank lines are skipped. The separator is {@code --separator} or guessed from the header (the
 *       most frequent of tab, ';' and ','). Cells may be double-quoted.</li>
 *   <li>Time cells: {@code h:mm:ss[.f]} is elapsed time (hours past 24 allowed); a date ({@code 2026-03-06 12:37:25},
 *       {@code 03/06/2026 12:37:25.5}, or {@code --date-format}) is the rig time; a number is read in
 *       {@code --time-unit} (s, ms, us, min, h, or epoch-s, epoch-ms, epoch-us for times since 1970), by default the
 *       unit named in the header ({@code Test_Time(s)}, {@code Run Time (h)}), else seconds.</li>
 *   <li>Units: {@code --current-scale} and {@code --voltage-scale} multiply the values (0.001 for mA or mV; a negative
 *       scale flips a discharge-positive current to + = charge). Without them, the unit in the header is applied:
 *       {@code (mA)}, {@code /mA}, {@code [mA]} give 0.001, {@code (uA)} 1e-6, {@code (mV)} 0.001. Temperatures in
 *       {@code (K)} or {@code (F)} are converted to C.</li>
 * </ul>
 */
public final class GenericCsvImporter implements CyclerImporter {
    private static final int HEADER_SEARCH_LINES = 200;

    @Override
    public void read(final TextInput in, final ImportOptions options, final FileFacts facts, final ImportSink sink)
        throws IOException, ImportException {
        final ColumnMapping map = options.mapping() != null ? options.mapping() : ColumnMapping.OWN_CSV;
        final boolean own = options.mapping() == null;
        final List<String> cells = new ArrayList<>();
        String line;
        Header h = null;
        char sep = ',';
        while ((line = in.next()) != null) {
            final String t = line.strip();
            if (options.headerLine() > 0) {
                if (in.lineNumber() < options.headerLine()) {
                    continue;
                }
            } else if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            sep = options.separator() != null ? options.separator() : Cells.guessSeparator(line);
            Cells.split(line, sep, cells);
            final Header candidate = new Header(cells, in.lineNumber(), in.source());
            if (options.headerLine() > 0 || candidate.find(map.column(Role.TIME)) >= 0
                && candidate.find(map.column(Role.VOLTAGE)) >= 0) {
                h = candidate;
                break;
            }
            if (in.lineNumber() >= HEADER_SEARCH_LINES) {
                break;
            }
        }
        if (h == null) {
            throw new ImportException(in.source(), 0, "no header line naming the time column '" + map.column(Role.TIME)
                + "' and the voltage column '" + map.column(Role.VOLTAGE) + "' in the first " + HEADER_SEARCH_LINES
                + " lines" + (own ? " (without --map the columns of the replay tool's own CSV format are expected; "
                + "give --map time=...,voltage=...,current=...)" : "; check --map or give --header-line"));
        }
        final int[] col = new int[Role.values().length];
        for (Role r : Role.values()) {
            final String name = map.column(r);
            col[r.ordinal()] = name == null ? -1 : h.find(name);
            if (name != null && col[r.ordinal()] < 0 && (r.required() || !own)) {
                throw new ImportException(in.source(), h.line(), "no column '" + name + "' for " + r.key()
                    + "; the header has: " + Header.quoted(h.names().toArray(new String[0])));
            }
        }
        final boolean decimalComma = options.decimalComma();
        final int time = col[Role.TIME.ordinal()];
        final int volts = col[Role.VOLTAGE.ordinal()];
        final int amps = col[Role.CURRENT.ordinal()];
        final int temp = col[Role.TEMP.ordinal()];
        final int ambient = col[Role.AMBIENT.ordinal()];
        final int force = col[Role.FORCE.ordinal()];

        final TimeUnitSpec headerUnit = unitOfTime(h.name(time));
        final TimeUnitSpec unit = options.timeUnit() != null ? options.timeUnit()
            : headerUnit != null ? headerUnit : TimeUnitSpec.S;
        final double ampsFactor = options.currentScale() != null ? options.currentScale() : scaleOf(h.name(amps), "a");
        final double voltsFactor = options.voltageScale() != null ? options.voltageScale() : scaleOf(h.name(volts), "v");
        final Temperature tempUnit = temp >= 0 ? Temperature.of(h.name(temp)) : Temperature.C;
        final Temperature ambientUnit = ambient >= 0 ? Temperature.of(h.name(ambient)) : Temperature.C;
        facts.columns.add("time: '" + h.name(time) + "', numbers in " + unit.label()
            + (options.timeUnit() == null ? (headerUnit != null ? " (from the header)" : " (default)") : "")
            + ", h:mm:ss as elapsed time, dates as rig time");
        facts.columns.add("voltage: '" + h.name(volts) + "'" + factorNote(voltsFactor, options.voltageScale()));
        facts.columns.add("current: '" + h.name(amps) + "', + = charge" + factorNote(ampsFactor,
            options.currentScale()));
        facts.columns.add("cell temperature: " + (temp >= 0 ? "'" + h.name(temp) + "'" + tempUnit.note() : "none"));
        facts.columns.add("ambient temperature: " + (ambient >= 0 ? "'" + h.name(ambient) + "'" + ambientUnit.note()
            : "none"));
        facts.columns.add("force: " + (force >= 0 ? "'" + h.name(force) + "', N" : "none"));

        final Times.DateReader dates = new Times.DateReader(options.dateFormat(), options.zone());
        while ((line = in.next()) != null) {
            final String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                if (!t.isEmpty()) {
                    sink.skipped(in.lineNumber(), "comment lines");
                }
                continue;
            }
            final long n = in.lineNumber();
            try {
                Cells.split(line, sep, cells);
                if (time >= cells.size() || cells.get(time).isEmpty()) {
                    throw new NumberFormatException("no time");
                }
                final String tc = cells.get(time);
                final boolean dated;
                final long micros;
                if (Times.looksLikeDate(tc)) {
                    dated = true;
                    micros = dates.read(tc);
                } else if (tc.indexOf(':') > 0) {
                    dated = false;
                    micros = Times.elapsedHms(tc);
                } else {
                    dated = unit.absolute();
                    micros = Numbers.micros(tc, unit.microsPerUnit(), decimalComma);
                }
                sink.sample(n, dated, micros, Numbers.required(cells, volts, "voltage", decimalComma) * voltsFactor,
                    Numbers.required(cells, amps, "current", decimalComma) * ampsFactor,
                    tempUnit.toCelsius(Numbers.optional(cells, temp, decimalComma)),
                    ambientUnit.toCelsius(Numbers.optional(cells, ambient, decimalComma)),
                    Numbers.optional(cells, force, decimalComma));
            } catch (NumberFormatException | ArithmeticException e) {
                sink.unparseable(n, line, e.getMessage());
            }
        }
    }

    private static String factorNote(final double factor, final Double given) {
        if (given != null) {
            return String.format(Locale.ROOT, ", multiplied by %s (option)", factor);
        }
        return factor == 1.0 ? "" : String.format(Locale.ROOT, ", multiplied by %s (unit in the header)", factor);
    }

    /** The unit in a column name: {@code Voltage(V)}, {@code I/mA}, {@code Current [mA]}; null if there is none. */
    static String unitOf(final String name) {
        final String n = name.strip();
        if (n.endsWith(")") && n.lastIndexOf('(') >= 0) {
            return n.substring(n.lastIndexOf('(') + 1, n.length() - 1).strip();
        }
        if (n.endsWith("]") && n.lastIndexOf('[') >= 0) {
            return n.substring(n.lastIndexOf('[') + 1, n.length() - 1).strip();
        }
        final int slash = n.lastIndexOf('/');
        return slash >= 0 ? n.substring(slash + 1).strip() : null;
    }

    /** The factor to A or V of the unit in a column name: 0.001 for mA or mV, 1e-6 for uA, else 1. */
    static double scaleOf(final String name, final String base) {
        final String u = unitOf(name);
        if (u == null) {
            return 1.0;
        }
        final String unit = u.replace('µ', 'u').replace('μ', 'u');
        if (unit.equalsIgnoreCase(base)) {
            return 1.0;
        }
        if (unit.length() == 2 && unit.substring(1).equalsIgnoreCase(base)) {
            return switch (unit.charAt(0)) {
                case 'm' -> 0.001;
                case 'u' -> 1e-6;
                case 'k' -> 1000.0;
                default -> 1.0;
            };
        }
        return 1.0;
    }

    static TimeUnitSpec unitOfTime(final String name) {
        final String u = unitOf(name);
        if (u == null) {
            return null;
        }
        final TimeUnitSpec t = TimeUnitSpec.parse(u);
        return t != null && !t.absolute() ? t : null;
    }

    /** Temperature units by the column name. */
    enum Temperature {
        C, K, F;

        static Temperature of(final String name) {
            final String u = unitOf(name);
            if (u == null) {
                return C;
            }
            final String s = u.replace("°", "").replace("?", "").replace("\uFFFD", "").strip();
            if ("K".equals(s)) {
                return K;
            }
            return "F".equalsIgnoreCase(s) ? F : C;
        }

        double toCelsius(final double v) {
            return switch (this) {
                case C -> v;
                case K -> v - 273.15;
                case F -> (v - 32) * 5 / 9;
            };
        }

        String note() {
            return switch (this) {
                case C -> ", C";
                case K -> ", K converted to C";
                case F -> ", F converted to C";
            };
        }
    }
}
