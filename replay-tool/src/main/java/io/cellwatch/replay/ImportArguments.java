package io.cellwatch.replay;

import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import io.cellwatch.core.model.CellForm;
import io.cellwatch.core.model.MarkType;
import io.cellwatch.replay.imports.ColumnMapping;
import io.cellwatch.replay.imports.CyclerFormat;
import io.cellwatch.replay.imports.FileFacts;
import io.cellwatch.replay.imports.ImportOptions;
import io.cellwatch.replay.imports.RunFileImport;
import io.cellwatch.replay.imports.TimeUnitSpec;
import io.cellwatch.replay.run.ChannelInfo;

/**
 * The validated arguments of {@code import}.
 *
 * @param input    the cycler file
 * @param output   the run file to write
 * @param force    overwrite {@code output} if it exists
 * @param format   the format, or null to recognise it
 * @param options  how to read the file
 * @param rigId    rig id recorded with the frames
 * @param channel  the channel options given (laid over what the file says, then the defaults)
 * @param marks    phase markers to insert
 * @param start    --start-time: rig time of run time 0, us since the epoch, or null
 * @param strict   an unparseable line is an error
 * @param csvOnly  the generic-CSV options that were given (an error with another format)
 */
record ImportArguments(Path input, Path output, boolean force, CyclerFormat format, ImportOptions options,
                       String rigId, ChannelOptions channel, List<RunFileImport.MarkRequest> marks, Long start,
                       boolean strict, List<String> csvOnly) {

    static final String DEFAULT_RIG = "import";
    static final String EXTENSION = ".cwrun";

    static final OptionSpec SPEC = new OptionSpec("import")
        .add("format", "FORMAT", CyclerFormat.labels() + " (default: recognised from the first lines)")
        .add("output", "FILE", "the run file to write (default: the input's name with " + EXTENSION
            + ", next to it)")
        .add("force", null, "overwrite the output file if it exists")
        .add("strict", null, "stop at the first line that cannot be parsed (exit 2, nothing written); by default "
            + "such lines are reported and left out")
        .add("channel", "ID", "channel id to declare (default RIG/FILE-NAME, e.g. import/cell-17)")
        .add("rig", "ID", "rig id recorded with the frames (default " + DEFAULT_RIG + ")")
        .add("serial", "SERIAL", "cell serial (default: from the file when it has one, else the file name)")
        .add("lot", "LOT", "production lot (default empty)")
        .add("procedure", "ID[@N]", "test procedure, e.g. pse-app9/overcharge-protection@1 (default "
            + ReplayArguments.DEFAULT_PROCEDURE + "@1)")
        .add("procedure-version", "N", "version of the procedure (default 1, or the @N of --procedure)")
        .add("cell-form", "FORM", "cylindrical, prismatic or pouch (default cylindrical)")
        .add("capacity-ah", "AH", "rated capacity in Ah (default: from the file when it has one, else 1)")
        .add("ambient", "C", "ambient temperature in C when the file has no ambient column: declared as the override "
            + "temperature-return.ambient")
        .addRepeatable("override", "NAME=VALUE", "a limit override to declare, names as in docs/rules.md, e.g. "
            + "upper-charge-voltage.limit=4.35")
        .addRepeatable("mark", "TYPE@SECONDS", "a phase marker at a run time, e.g. PRESS_START@12.5 (types "
            + "RUN_START, PRESS_START, SHORT_APPLIED, CURRENT_STOPPED, TEST_END, or a number)")
        .add("start-time", "ISO", "rig time of run time 0, e.g. 2026-01-01T00:00:00Z (default: the date the file "
            + "gives; dated files keep their times; else 1970-01-01T00:00:00Z)")
        .add("zone", "ZONE", "time zone of dates written without one, e.g. Europe/Berlin (default UTC)")
        .add("date-format", "PATTERN", "form of date cells as a java.time pattern, e.g. 'dd/MM/yyyy HH:mm:ss' "
            + "(default: the common forms are recognised)")
        .add("current-scale", "X", "multiply currents by X, e.g. -1 for a file that writes discharge as positive "
            + "(csv: also 0.001 for mA; default: the unit in the header)")
        .add("voltage-scale", "X", "multiply voltages by X (csv: default the unit in the header)")
        .addRepeatable("map", "ROLE=COLUMN,...", "csv: the columns of time, voltage, current and optionally temp, "
            + "ambient, force, e.g. time=Test_Time(s),voltage=Voltage(V),current=Current(A) (default: the replay "
            + "tool's own CSV columns)")
        .add("time-unit", "UNIT", "csv: numeric time cells in " + TimeUnitSpec.labels()
            + " (default: the unit in the header, else s)")
        .add("separator", "CHAR", "csv: the cell separator, e.g. ';' or tab (default: guessed from the header)")
        .add("decimal-comma", null, "csv: ',' is the decimal separator")
        .add("header-line", "N", "csv: the header is line N (default: the first line naming the mapped time and "
            + "voltage columns)");

    /** Validates the command line of {@code import}. */
    static ImportArguments parse(final List<String> args) {
        final OptionSpec.Parsed p = SPEC.parse(args);
        if (p.positional().isEmpty()) {
            throw new UsageException("missing the file to import: import [options] FILE; see 'import --help'");
        }
        if (p.positional().size() > 1) {
            throw new UsageException("one file expected, got " + p.positional().size() + ": "
                + String.join(" ", p.positional()));
        }
        final Path input = Path.of(p.positional().get(0));
        final Path output = p.get("output") != null ? Path.of(p.get("output"))
            : input.resolveSibling(stem(input) + EXTENSION);
        if (output.toAbsolutePath().normalize().equals(input.toAbsolutePath().normalize())) {
            throw new UsageException("the output " + output + " is the input file; give --output");
        }
        CyclerFormat format = null;
        if (p.get("format") != null) {
            format = CyclerFormat.parse(p.get("format"));
            if (format == null) {
                throw new UsageException("--format '" + p.get("format") + "': expected " + CyclerFormat.labels());
            }
        }
        final List<String> csvOnly = new ArrayList<>();
        for (String o : List.of("map", "time-unit", "separator", "decimal-comma", "header-line")) {
            if (p.get(o) != null || !p.all(o).isEmpty()) {
                csvOnly.add("--" + o);
            }
        }
        if (format == null && !p.all("map").isEmpty()) {
            format = CyclerFormat.CSV; // a column mapping only makes sense for a generic CSV
        }
        if (format != null && format != CyclerFormat.CSV && !csvOnly.isEmpty()) {
            throw new UsageException(String.join(", ", csvOnly) + " only apply to --format csv, not "
                + format.label());
        }

        final String rig = ReplayArguments.orDefault(p.get("rig"), DEFAULT_RIG);
        if (rig.isBlank()) {
            throw new UsageException("--rig must not be empty");
        }
        final Map<String, Double> overrides = new TreeMap<>(ChannelOptions.overrides("override", p.all("override")));
        if (p.get("ambient") != null) {
            overrides.put("temperature-return.ambient", number("ambient", p.get("ambient")));
        }
        final ChannelOptions channel = ChannelOptions.parse(p, overrides);
        try {
            // Checked now, with placeholders for what the file may still say, so that a bad option fails at once.
            ChannelOptions.checked(channel.applyTo(defaults(rig, input)));
        } catch (IllegalArgumentException e) {
            throw new UsageException("bad channel declaration: " + e.getMessage());
        }

        final List<RunFileImport.MarkRequest> marks = new ArrayList<>();
        for (String m : p.all("mark")) {
            marks.add(mark(m));
        }
        final Long start = p.get("start-time") == null ? null
            : ChronoUnit.MICROS.between(Instant.EPOCH, ReplayArguments.instant("start-time", p.get("start-time")));
        final ZoneId zone;
        try {
            zone = p.get("zone") == null ? java.time.ZoneOffset.UTC : ZoneId.of(p.get("zone").strip());
        } catch (DateTimeException e) {
            throw new UsageException("--zone '" + p.get("zone") + "': not a time zone (e.g. UTC, +09:00, "
                + "Europe/Berlin)");
        }
        DateTimeFormatter dateFormat = null;
        if (p.get("date-format") != null) {
            try {
                dateFormat = new java.time.format.DateTimeFormatterBuilder().parseCaseInsensitive()
                    .appendPattern(p.get("date-format")).toFormatter(Locale.ROOT);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--date-format '" + p.get("date-format") + "': " + e.getMessage());
            }
        }
        ColumnMapping mapping = null;
        if (!p.all("map").isEmpty()) {
            try {
                mapping = ColumnMapping.parse(p.all("map"));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--map: " + e.getMessage());
            }
        }
        TimeUnitSpec unit = null;
        if (p.get("time-unit") != null) {
            unit = TimeUnitSpec.parse(p.get("time-unit"));
            if (unit == null) {
                throw new UsageException("--time-unit '" + p.get("time-unit") + "': expected " + TimeUnitSpec.labels());
            }
        }
        Character separator = null;
        if (p.get("separator") != null) {
            final String s = p.get("separator");
            separator = "tab".equalsIgnoreCase(s) || "\\t".equals(s) ? '\t' : s.length() == 1 ? s.charAt(0) : null;
            if (separator == null || separator == '"' || Character.isLetterOrDigit(separator)) {
                throw new UsageException("--separator '" + s + "': expected one character such as , ; | or tab");
            }
        }
        final int headerLine = p.get("header-line") == null ? 0
            : ReplayArguments.integer("header-line", p.get("header-line"), 1, 1_000_000, "line number");
        final ImportOptions options = new ImportOptions(input, zone, dateFormat, mapping, unit,
            p.get("current-scale") == null ? null : scale("current-scale", p.get("current-scale")),
            p.get("voltage-scale") == null ? null : scale("voltage-scale", p.get("voltage-scale")),
            separator, p.has("decimal-comma"), headerLine);
        return new ImportArguments(input, output, p.has("force"), format, options, rig, channel, marks, start,
            p.has("strict"), csvOnly);
    }

    /** The declaration when neither the options nor the file say otherwise. */
    static ChannelInfo defaults(final String rig, final Path input) {
        final String stem = stem(input);
        return new ChannelInfo(rig + "/" + stem, stem, "", ReplayArguments.DEFAULT_PROCEDURE, 1, CellForm.CYLINDRICAL,
            1.0, Map.of());
    }

    /** The declaration of the import: the options, over what the file says, over {@link #defaults}. */
    ChannelInfo channelFor(final FileFacts facts) {
        ChannelInfo base = defaults(rigId, input);
        if (facts.serial() != null || facts.capacityAh() != null) {
            base = new ChannelInfo(base.channelId(), facts.serial() != null ? facts.serial() : base.cellSerial(),
                base.lot(), base.procedureId(), base.procedureVersion(), base.cellForm(),
                facts.capacityAh() != null ? facts.capacityAh() : base.ratedCapacityAh(), base.overrides());
        }
        return channel.applyTo(base);
    }

    /** The file name without its last extension. */
    static String stem(final Path file) {
        final String name = String.valueOf(file.getFileName());
        final int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    private static RunFileImport.MarkRequest mark(final String text) {
        final int at = text.lastIndexOf('@');
        if (at <= 0) {
            throw new UsageException("--mark '" + text + "': expected TYPE@SECONDS, e.g. PRESS_START@12.5");
        }
        final String name = text.substring(0, at).strip().toUpperCase(Locale.ROOT);
        int type = -1;
        for (int t = MarkType.RUN_START; t <= MarkType.TEST_END; t++) {
            if (MarkType.name(t).equals(name)) {
                type = t;
            }
        }
        if (type < 0) {
            type = ReplayArguments.integer("mark", name, 1, 0xFFFF, "mark type (RUN_START, PRESS_START, "
                + "SHORT_APPLIED, CURRENT_STOPPED, TEST_END or a number)");
        }
        final double seconds = number("mark", text.substring(at + 1));
        if (seconds < 0 || seconds > 1e9) {
            throw new UsageException("--mark '" + text + "': the run time must be 0..1e9 seconds");
        }
        return new RunFileImport.MarkRequest(type, Math.round(seconds * 1e6));
    }

    private static double number(final String option, final String value) {
        try {
            final double v = Double.parseDouble(value.strip());
            if (Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("--" + option + " '" + value + "': expected a number");
    }

    private static double scale(final String option, final String value) {
        final double v = number(option, value);
        if (v == 0) {
            throw new UsageException("--" + option + " must not be 0");
        }
        return v;
    }
}
