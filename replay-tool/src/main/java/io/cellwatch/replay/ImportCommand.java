package io.cellwatch.replay;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.cellwatch.core.model.MarkType;
import io.cellwatch.replay.imports.CyclerFormat;
import io.cellwatch.replay.imports.FileFacts;
import io.cellwatch.replay.imports.ImportException;
import io.cellwatch.replay.imports.RunFileImport;
import io.cellwatch.replay.imports.TextInput;
import io.cellwatch.replay.run.ChannelInfo;
import io.cellwatch.replay.run.TimeStepBack;
import io.cellwatch.replay.runfile.RunFileReader;
import io.cellwatch.replay.runfile.RunFileWriter;

/**
 * {@code import}: turns a cycler export into a run file. Streams: the file is read line by line and written frame by
 * frame into a temporary file next to the output, which is renamed into place only when the import succeeded.
 */
final class ImportCommand implements Subcommand {
    static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(2);
    /** Unparseable lines and times going backwards listed one by one. */
    static final int LISTED = 10;
    /** Samples per SAMPLES frame in the run file. */
    static final int FRAME_SAMPLES = 1000;

    private final CliContext ctx;

    ImportCommand(final CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public String name() {
        return "import";
    }

    @Override
    public String summary() {
        return "turn a cycler export (Arbin, Maccor, BioLogic, Neware, Novonix, any CSV) into a run file";
    }

    @Override
    public String help() {
        return "usage: import [OPTIONS] FILE\n"
            + "\n"
            + "Reads a cycler export and writes a run file (docs/run-file.md) with one channel: its declaration, the\n"
            + "samples in SAMPLES frames and the --mark phase markers. Units and sign are normalised (V, A with\n"
            + "+ = charge, C, rig times in us). Duplicate timestamps are kept; a time that goes backwards is\n"
            + "reported and the rows from there on are shifted to follow the previous row (as in replay).\n"
            + "Lines that cannot be parsed are never dropped silently: they are counted, the first " + LISTED
            + " are listed\n"
            + "with their line numbers, and --strict makes the first one fatal. Progress is printed every "
            + PROGRESS_INTERVAL.toSeconds() + " s on long files.\n"
            + "\n"
            + "Formats: arbin (CSV with DateTime or Test_Time), maccor (text export), biologic (EC-Lab text or CSV),\n"
            + "neware (BTS CSV, nested or flat), novonix (UHPC CSV), csv (any table, with --map; without it the\n"
            + "replay tool's own CSV columns). See docs/replay.md for what each importer reads.\n"
            + "\n"
            + "Examples:\n"
            + "  import xTESLADIAG_000038con.078 --serial SN-0042 --procedure pse-app9/overcharge-protection@1\n"
            + "  import --format csv --map time=Test_Time(s),voltage=Voltage(V),current=Current(A),temp=Temperature \\\n"
            + "         --current-scale 0.001 --time-unit s --start-time 2026-01-01T00:00:00Z export.csv\n"
            + "\n"
            + "Options:\n"
            + ImportArguments.SPEC.describe()
            + "\n"
            + "Exit codes: " + ExitCode.OK + " written (unparseable lines, if any, are reported), " + ExitCode.BAD_INPUT
            + " bad arguments, unknown format,\n"
            + "            missing column, no samples, an unparseable line with --strict, or the file cannot be\n"
            + "            read or written (nothing is written then).\n";
    }

    @Override
    public int run(final List<String> args) {
        final ImportArguments a = ImportArguments.parse(args);
        final PrintStream out = ctx.out();
        final PrintStream err = ctx.err();
        if (!Files.isRegularFile(a.input())) {
            err.println("cannot read " + a.input() + ": no such file");
            return ExitCode.BAD_INPUT;
        }
        if (RunFileReader.isRunFile(a.input())) {
            err.println(a.input() + " is already a run file");
            return ExitCode.BAD_INPUT;
        }
        final CyclerFormat format;
        try {
            format = a.format() != null ? a.format() : CyclerFormat.detect(a.input());
        } catch (IOException e) {
            err.println("cannot read " + a.input() + ": " + e.getMessage());
            return ExitCode.BAD_INPUT;
        }
        if (format == null) {
            err.println("cannot tell the format of " + a.input().getFileName() + " from its first lines; give --format "
                + CyclerFormat.labels() + " (csv with --map for other tables)");
            return ExitCode.BAD_INPUT;
        }
        if (format != CyclerFormat.CSV && !a.csvOnly().isEmpty()) {
            err.println(String.join(", ", a.csvOnly()) + " only apply to --format csv, and "
                + a.input().getFileName() + " was recognised as " + format.label() + "; give --format csv to read "
                + "it as a generic table");
            return ExitCode.BAD_INPUT;
        }
        if (Files.exists(a.output()) && !a.force()) {
            err.println("the output " + a.output() + " exists; give --force to overwrite it, or --output");
            return ExitCode.BAD_INPUT;
        }
        final long size;
        try {
            size = Files.size(a.input());
        } catch (IOException e) {
            err.println("cannot read " + a.input() + ": " + e.getMessage());
            return ExitCode.BAD_INPUT;
        }
        out.println("import " + a.input().getFileName() + " (" + format.label() + ", " + Formats.bytes(size) + ") -> "
            + a.output());

        final Path temp = a.output().toAbsolutePath().resolveSibling("." + a.output().getFileName() + ".importing");
        final FileFacts facts = new FileFacts();
        final RunFileImport.Summary summary;
        final long bytesWritten;
        final long nowMicros = ChronoUnit.MICROS.between(Instant.EPOCH, ctx.wallClock().instant());
        try {
            Files.deleteIfExists(temp);
            try (TextInput in = TextInput.open(a.input());
                 RunFileWriter writer = RunFileWriter.create(temp, nowMicros)) {
                writer.note(nowMicros, "import", "imported from " + a.input().getFileName() + " (" + size
                    + " bytes) as " + format.label() + " by the CellWatch replay tool");
                final ImportProgress progress = new ImportProgress(in);
                final RunFileImport sink = new RunFileImport(writer, new RunFileImport.Settings(
                    String.valueOf(a.input().getFileName()), a.rigId(), a::channelFor, a.marks(), a.start(),
                    a.strict(), FRAME_SAMPLES, LISTED), facts, progress);
                format.importer().read(in, a.options(), facts, sink);
                summary = sink.finish();
                writer.note(nowMicros, "import-summary", noteText(a, format, facts, summary));
                writer.flush();
                bytesWritten = writer.size();
            }
            move(temp, a.output(), a.force());
        } catch (NoSuchFileException e) {
            deleteQuietly(temp);
            err.println("cannot write " + a.output() + ": no such directory " + e.getFile());
            return ExitCode.BAD_INPUT;
        } catch (IOException e) {
            deleteQuietly(temp);
            err.println("import failed: " + e);
            return ExitCode.BAD_INPUT;
        } catch (ImportException e) {
            deleteQuietly(temp);
            printColumns(facts, out);
            err.println("import failed: " + e.getMessage());
            err.println("nothing written");
            return ExitCode.BAD_INPUT;
        }
        printColumns(facts, out);
        printSummary(a, summary, facts, bytesWritten, out, err);
        return ExitCode.OK;
    }

    /** Prints a progress line every {@link #PROGRESS_INTERVAL} of the tool's clock while a long file is read. */
    private final class ImportProgress implements RunFileImport.Progress {
        private final TextInput in;
        private final long startNanos = ctx.replayClock().nanoTime();
        private long lastNanos = startNanos;

        ImportProgress(final TextInput in) {
            this.in = in;
        }

        @Override
        public void update(final long samples, final long unparseable) {
            final long now = ctx.replayClock().nanoTime();
            if (now - lastNanos < PROGRESS_INTERVAL.toNanos()) {
                return;
            }
            lastNanos = now;
            final double seconds = (now - startNanos) / 1e9;
            ctx.out().println(String.format(Locale.ROOT, "progress %.1f s: %.0f%% of %s read, line %d, %d samples, "
                    + "%d unparseable lines, %.0f samples/s", seconds,
                100.0 * Math.min(in.bytesRead(), in.size()) / Math.max(1, in.size()), Formats.bytes(in.size()),
                in.lineNumber(), samples, unparseable, samples / Math.max(1e-9, seconds)));
        }
    }

    private static void printColumns(final FileFacts facts, final PrintStream out) {
        for (String about : facts.about()) {
            out.println("  file: " + about);
        }
        for (String c : facts.columns()) {
            out.println("  " + c);
        }
    }

    private static void printSummary(final ImportArguments a, final RunFileImport.Summary s, final FileFacts facts,
                                     final long bytes, final PrintStream out, final PrintStream err) {
        for (String after : facts.afterwards()) {
            out.println("  " + after);
        }
        final ChannelInfo c = s.channel();
        out.println("  run start " + Formats.instant(s.startMicros()) + ": " + s.startFrom());
        out.println(String.format(Locale.ROOT, "  channel %s: serial '%s'%s, lot '%s', procedure %s@%d, %s, %s Ah%s%s",
            c.channelId(), c.cellSerial(), a.channel().serial() == null && facts.serial() != null
                ? " (" + facts.serialFrom() + ")" : "", c.lot(), c.procedureId(), c.procedureVersion(),
            c.cellForm().name().toLowerCase(Locale.ROOT), Formats.number(c.ratedCapacityAh()),
            a.channel().capacityAh() == null && facts.capacityAh() != null ? " (" + facts.capacityFrom() + ")" : "",
            c.overrides().isEmpty() ? "" : ", overrides " + new java.util.TreeMap<>(c.overrides())));
        final long skipped = s.skipped().values().stream().mapToLong(Long::longValue).sum();
        out.println(String.format(Locale.ROOT, "read %d samples, %d unparseable lines%s", s.samples(), s.unparseable(),
            skipped == 0 ? "" : ", " + skipped + " lines skipped by design (" + describe(s.skipped()) + ")"));
        out.println("  first sample, line " + describe(s.first(), s.startMicros()));
        out.println("  last sample,  line " + describe(s.last(), s.startMicros()));
        out.println(String.format(Locale.ROOT, "  voltage %s .. %s V, current %s .. %s A; cell temperature in %d "
                + "samples, ambient in %d, force in %d", Formats.number(s.minVoltage()), Formats.number(s.maxVoltage()),
            Formats.number(s.minCurrent()), Formats.number(s.maxCurrent()), s.withTemperature(), s.withAmbient(),
            s.withForce()));
        out.println(String.format(Locale.ROOT, "  %d duplicate timestamps kept; %d times going backwards",
            s.duplicates(), s.timeSteps().size()));
        out.println(String.format(Locale.ROOT, "wrote %s: 1 CHANNEL, %d SAMPLES, %d MARK records, %d bytes",
            a.output(), s.frames(), s.marks(), bytes));
        if (s.marks() < a.marks().size()) {
            err.println("warning: only " + s.marks() + " of " + a.marks().size() + " marks written");
        }

        if (s.maxVoltage() > 10 || s.minVoltage() < -10) {
            err.println("warning: voltages reach " + Formats.number(Math.abs(s.maxVoltage()) > Math.abs(s.minVoltage())
                ? s.maxVoltage() : s.minVoltage()) + " V, more than a cell has: is the column in mV? "
                + "(--voltage-scale 0.001)");
        }
        if (Math.max(Math.abs(s.maxCurrent()), Math.abs(s.minCurrent())) > 1000) {
            err.println("warning: currents reach " + Formats.number(Math.max(Math.abs(s.maxCurrent()),
                Math.abs(s.minCurrent()))) + " A: is the column in mA? (--current-scale 0.001)");
        }
        final List<TimeStepBack> steps = s.timeSteps();
        for (int i = 0; i < Math.min(steps.size(), LISTED); i++) {
            err.println("warning: " + a.input().getFileName() + " " + steps.get(i).describe());
        }
        if (steps.size() > LISTED) {
            err.println("warning: " + (steps.size() - LISTED) + " more times going backwards, treated the same way");
        }
        if (s.unparseable() > 0) {
            err.println("warning: " + s.unparseable() + " lines of " + a.input().getFileName()
                + " could not be parsed and are not in the run file" + (s.unparseable() > s.firstUnparseable().size()
                ? "; the first " + s.firstUnparseable().size() + ":" : ":"));
            for (RunFileImport.Unparseable u : s.firstUnparseable()) {
                err.println("  line " + u.line() + ": " + u.reason() + (u.text() == null ? "" : ": " + u.text()));
            }
        }
    }

    private static String describe(final RunFileImport.Sample x, final long start) {
        return x.line() + ": " + Formats.instant(x.rigMicros()) + " (run time " + Formats.seconds(x.rigMicros() - start)
            + " s)  " + Formats.number(x.voltage()) + " V  " + Formats.number(x.current()) + " A"
            + (Float.isNaN(x.cellTemperature()) ? "" : "  " + Formats.number(x.cellTemperature()) + " C");
    }

    private static String describe(final Map<String, Long> counts) {
        final StringBuilder sb = new StringBuilder();
        counts.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ").append(v).append(' ').append(k));
        return sb.toString();
    }

    private static String noteText(final ImportArguments a, final CyclerFormat format, final FileFacts facts,
                                   final RunFileImport.Summary s) {
        final StringBuilder sb = new StringBuilder();
        sb.append("format ").append(format.label()).append('\n');
        for (String x : facts.about()) {
            sb.append("file: ").append(x).append('\n');
        }
        for (String x : facts.columns()) {
            sb.append(x).append('\n');
        }
        for (String x : facts.afterwards()) {
            sb.append(x).append('\n');
        }
        sb.append("run start ").append(Formats.instant(s.startMicros())).append(": ").append(s.startFrom()).append('\n');
        sb.append(s.samples()).append(" samples, ").append(s.unparseable()).append(" unparseable lines");
        if (!s.firstUnparseable().isEmpty()) {
            sb.append(" (first at line ").append(s.firstUnparseable().get(0).line()).append(": ")
                .append(s.firstUnparseable().get(0).reason()).append(')');
        }
        sb.append(", ").append(s.duplicates()).append(" duplicate timestamps, ").append(s.timeSteps().size())
            .append(" times going backwards\n");
        for (RunFileImport.MarkRequest m : a.marks()) {
            sb.append("mark ").append(MarkType.name(m.type())).append(" at run time ")
                .append(Formats.seconds(m.runMicros())).append(" s\n");
        }
        return sb.toString();
    }

    private static void move(final Path from, final Path to, final boolean replace) throws IOException {
        try {
            if (replace) {
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (AtomicMoveNotSupportedException e) {
            if (replace) {
                Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.move(from, to);
            }
        }
    }

    private static void deleteQuietly(final Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // best effort: a leftover temporary file is named for what it is
        }
    }
}
