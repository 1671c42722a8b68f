package io.cellwatch.replay;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.cellwatch.core.alert.Alert;
import io.cellwatch.core.procedure.ProcedureLibrary;
import io.cellwatch.core.rules.TemperatureReturnRule;
import io.cellwatch.replay.evaluate.EvaluationResult;
import io.cellwatch.replay.evaluate.RunEvaluator;
import io.cellwatch.replay.runfile.RunFileException;
import io.cellwatch.replay.runfile.RunFileReader;

/**
 * {@code report}: evaluates a run file as {@code evaluate} does ({@link RunEvaluator}, same options) and writes a
 * self-contained HTML page ({@link HtmlReport}) with the charts, the thresholds, the alerts and the difference from
 * a stored alert set ({@link io.cellwatch.replay.evaluate.AlertDiff}). The file is read twice: once by the
 * evaluation, once for the charts ({@link ChartData}); neither pass holds the samples in memory.
 */
final class ReportCommand implements Subcommand {
    static final OptionSpec SPEC = new OptionSpec("report")
        .add("output", "FILE", "the HTML file to write (required)")
        .add("force", null, "overwrite the output if it exists")
        .add("procedure", "ID[@N]", "evaluate every channel with this procedure instead of the one it declares")
        .addRepeatable("set", "NAME=VALUE", "set a rule parameter, as for evaluate, e.g. upper-charge-voltage.limit=4.35")
        .add("against", "LABEL", "compare with this alert set of the file (default: '" + EvaluateCommand.LIVE_LABEL
            + "' if the file has it, else the set written last)")
        .add("run-on", "DUR", "let the clock run on this long after the last record, as for evaluate (default 0)");

    private final CliContext ctx;

    ReportCommand(final CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public String name() {
        return "report";
    }

    @Override
    public String summary() {
        return "write a self-contained HTML report: charts, thresholds, alert markers, stops, difference";
    }

    @Override
    public String help() {
        return "usage: report [OPTIONS] RUN.cwrun --output run.html\n"
            + "\n"
            + "Evaluates the run file as 'evaluate' does (same rule code, same --procedure, --set, --against) and\n"
            + "writes one HTML file that opens offline (inline CSS and SVG, no script, no network): each channel's\n"
            + "metadata and resolved parameters; voltage, current and temperature over run time (at most 2000 points\n"
            + "per series, the lowest and highest sample of each bucket, so single-sample spikes show) with the\n"
            + "thresholds (upper charge voltage; drop baseline - threshold; the temperature-return level) and a marker\n"
            + "per alert; the table of stops; and the difference from a stored alert set. A file with several\n"
            + "channels gets a table of the channels (alerts, difference counts) and, per channel, a section with\n"
            + "its charts, its own stops and its own difference.\n"
            + "\n"
            + "Example:\n"
            + "  report run.cwrun --output run.html --procedure pse-app9/overcharge-protection@1 "
            + "--set upper-charge-voltage.limit=4.252\n"
            + "\n"
            + "Options:\n"
            + SPEC.describe()
            + "\n"
            + "Exit codes: " + ExitCode.OK + " written, " + ExitCode.BAD_INPUT + " bad arguments, not a run file, "
            + "or the report could not be written.\n";
    }

    @Override
    public int run(final List<String> args) {
        final OptionSpec.Parsed p = SPEC.parse(args);
        if (p.positional().size() != 1) {
            throw new UsageException(p.positional().isEmpty() ? "missing the run file: report RUN.cwrun --output "
                + "FILE.html; see 'report --help'" : "one run file expected, got " + p.positional().size() + ": "
                + String.join(" ", p.positional()));
        }
        if (p.get("output") == null || p.get("output").isBlank()) {
            throw new UsageException("--output FILE.html is required");
        }
        final Path file = Path.of(p.positional().get(0));
        final Path output = Path.of(p.get("output"));
        final RunEvaluator.Settings settings = EvaluateCommand.settings(p);
        final String against = EvaluateCommand.label("against", p.get("against"));
        if (!Files.isRegularFile(file)) {
            ctx.err().println("cannot read run file " + file + ": no such file");
            return ExitCode.BAD_INPUT;
        }
        if (Files.exists(output) && !p.has("force")) {
            ctx.err().println("report: " + output + " exists; give --force to overwrite it");
            return ExitCode.BAD_INPUT;
        }

        final EvaluationResult r;
        final ChartData charts;
        try {
            try (RunFileReader reader = RunFileReader.open(file)) {
                r = new RunEvaluator(ProcedureLibrary.builtIn(), settings).evaluate(reader);
            }
            charts = new ChartData(r, probeTimes(r));
            try (RunFileReader reader = RunFileReader.open(file)) {
                reader.readAll(charts);
            }
        } catch (RunFileException e) {
            ctx.err().println("bad run file: " + e.getMessage());
            return ExitCode.BAD_INPUT;
        } catch (RunEvaluator.EvaluationException e) {
            ctx.err().println("report: " + e.getMessage());
            return ExitCode.BAD_INPUT;
        } catch (IOException e) {
            ctx.err().println("cannot read run file " + file + ": " + e);
            return ExitCode.BAD_INPUT;
        }
        EvaluateCommand.printWarnings(file, r, ctx.err());
        if (against != null && r.storedSet(against) == null) {
            ctx.err().println("report: the file has no alert set '" + against + "'" + EvaluateCommand.setsList(r));
            return ExitCode.BAD_INPUT;
        }
        final EvaluationResult.StoredSet before = against != null ? r.storedSet(against)
            : EvaluateCommand.defaultSet(r);
        final String html = HtmlReport.render(file.getFileName().toString(), r, charts, before);
        final Path abs = output.toAbsolutePath();
        final Path tmp = abs.resolveSibling("." + abs.getFileName() + ".writing");
        try {
            Files.writeString(tmp, html, StandardCharsets.UTF_8);
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the first error is the one to report
            }
            ctx.err().println("report: cannot write " + output + ": " + e);
            return ExitCode.BAD_INPUT;
        }
        ctx.out().println("report " + file.getFileName() + ": " + r.channels().size() + " channel"
            + (r.channels().size() == 1 ? "" : "s") + ", " + r.samples() + " samples, " + r.alerts().size()
            + " alerts (" + r.settings().describe() + ")" + (before == null ? ""
            : "; compared with alert set '" + before.label() + "'"));
        ctx.out().println("wrote " + output + " (" + Formats.bytes(html.getBytes(StandardCharsets.UTF_8).length)
            + ")");
        return ExitCode.OK;
    }

    /** The sample times of the temperature-return alerts, whose cell temperature places the threshold line. */
    private static Map<String, Set<Long>> probeTimes(final EvaluationResult r) {
        final Map<String, Set<Long>> probes = new HashMap<>();
        for (Alert a : r.alerts()) {
            if (a.rule().equals(TemperatureReturnRule.ID)) {
                probes.computeIfAbsent(a.channelId(), k -> new HashSet<>()).add(a.sampleTimeMicros());
            }
        }
        return probes;
    }
}
