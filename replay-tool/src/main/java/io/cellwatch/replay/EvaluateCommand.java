package io.cellwatch.replay;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.cellwatch.core.alert.Alert;
import io.cellwatch.core.procedure.ParameterKeys;
import io.cellwatch.core.procedure.ProcedureLibrary;
import io.cellwatch.core.rules.RuleParameters;
import io.cellwatch.core.rules.VoltageDropRule;
import io.cellwatch.replay.evaluate.AlertDiff;
import io.cellwatch.replay.evaluate.EvaluationResult;
import io.cellwatch.replay.evaluate.RunEvaluator;
import io.cellwatch.replay.runfile.AlertOrigin;
import io.cellwatch.replay.runfile.RunFileException;
import io.cellwatch.replay.runfile.RunFileReader;
import io.cellwatch.replay.runfile.RunFileTail;
import io.cellwatch.replay.runfile.RunFileWriter;

/**
 * {@code evaluate}: runs a run file through the live job's rule code offline ({@link RunEvaluator}), prints every
 * alert, compares them with an alert set the file holds, and optionally appends them to the file.
 */
final class EvaluateCommand implements Subcommand {
    /** The label of the alerts a recording copied from the alerts topic. */
    static final String LIVE_LABEL = "live";
    static final int MAX_LABEL_LENGTH = 200;

    static final OptionSpec SPEC = new OptionSpec("evaluate")
        .add("procedure", "ID[@N]", "evaluate every channel with this procedure instead of the one it declares, e.g. "
            + "pse-app9/overcharge-protection@1")
        .addRepeatable("set", "NAME=VALUE", "set a rule parameter after the procedure and the declared overrides, "
            + "e.g. upper-charge-voltage.limit=4.35 or voltage-drop.threshold=0.040 (names in docs/rules.md)")
        .add("against", "LABEL", "compare with this alert set of the file (default: '" + LIVE_LABEL
            + "' if the file has it, else the set written last)")
        .add("write-alerts", "LABEL", "append this evaluation's alerts to the run file as the alert set LABEL")
        .add("run-on", "DUR", "let the clock run on this long after the last record, for checks that fire without "
            + "data (temperature caps, silence), e.g. 2m (default 0)");

    private final CliContext ctx;

    EvaluateCommand(final CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public String name() {
        return "evaluate";
    }

    @Override
    public String summary() {
        return "run a run file through the rules offline, optionally with changed limits, and show the difference";
    }

    @Override
    public String help() {
        return "usage: evaluate [OPTIONS] RUN.cwrun\n"
            + "\n"
            + "Runs every record of the run file through telemetry-core's ChannelEvaluator, the code the live\n"
            + "stop-condition job runs, and prints every alert: sample time (and run time since the channel's first\n"
            + "sample), rule, trigger, value, reference, threshold and reason. Records arrive, on a simulated clock,\n"
            + "at their recorded arrival time, or for imported files when their last sample was taken; the silence\n"
            + "check is off for channels without arrival times. The same file with the same options always gives\n"
            + "the same alerts with the same ids.\n"
            + "\n"
            + "When the file holds alerts (of the live run, or of an earlier evaluation written with --write-alerts),\n"
            + "prints the difference: alerts added, removed, and moved earlier or later, matched per channel and rule\n"
            + "in time order, each with its sample time and value.\n"
            + "\n"
            + "A file with several channels (record --rig or --lot): each channel is evaluated on its own state, as\n"
            + "in the job (alert ids from channel id, rule and sample time), and the alerts and the difference are\n"
            + "printed per channel, with one count line per channel under the total.\n"
            + "\n"
            + "Examples:\n"
            + "  evaluate run.cwrun --procedure pse-app9/overcharge-protection@1 --write-alerts as-declared\n"
            + "  evaluate run.cwrun --procedure pse-app9/overcharge-protection@1 --set upper-charge-voltage.limit=4.35\n"
            + "\n"
            + "Options:\n"
            + SPEC.describe()
            + "\n"
            + wrap("Parameter names for --set: " + String.join(", ", ParameterKeys.names()) + ".", 108)
            + "\n"
            + "Exit codes: " + ExitCode.OK + " evaluated (whatever the alerts), " + ExitCode.BAD_INPUT
            + " bad arguments, unknown procedure or parameter,\n"
            + "            not a run file, a damaged record before the end, or the alerts could not be written.\n";
    }

    /** {@code text} broken into lines of at most {@code width} characters at spaces. */
    static String wrap(final String text, final int width) {
        final StringBuilder sb = new StringBuilder();
        int col = 0;
        for (String word : text.split(" ")) {
            if (col > 0 && col + 1 + word.length() > width) {
                sb.append('\n');
                col = 0;
            } else if (col > 0) {
                sb.append(' ');
                col++;
            }
            sb.append(word);
            col += word.length();
        }
        return sb.append('\n').toString();
    }

    @Override
    public int run(final List<String> args) {
        final OptionSpec.Parsed p = SPEC.parse(args);
        if (p.positional().size() != 1) {
            throw new UsageException(p.positional().isEmpty() ? "missing the run file: evaluate [options] RUN.cwrun; "
                + "see 'evaluate --help'" : "one run file expected, got " + p.positional().size() + ": "
                + String.join(" ", p.positional()));
        }
        final Path file = Path.of(p.positional().get(0));
        final RunEvaluator.Settings settings = settings(p);
        final String writeLabel = label("write-alerts", p.get("write-alerts"));
        final String against = label("against", p.get("against"));
        final PrintStream out = ctx.out();
        final PrintStream err = ctx.err();
        if (!Files.isRegularFile(file)) {
            err.println("cannot read run file " + file + ": no such file");
            return ExitCode.BAD_INPUT;
        }

        final EvaluationResult r;
        try (RunFileReader reader = RunFileReader.open(file)) {
            r = new RunEvaluator(ProcedureLibrary.builtIn(), settings).evaluate(reader);
        } catch (RunFileException e) {
            err.println("bad run file: " + e.getMessage());
            return ExitCode.BAD_INPUT;
        } catch (RunEvaluator.EvaluationException e) {
            err.println("evaluate: " + e.getMessage());
            return ExitCode.BAD_INPUT;
        } catch (IOException e) {
            err.println("cannot read run file " + file + ": " + e);
            return ExitCode.BAD_INPUT;
        }
        printWarnings(file, r, err);
        if (against != null && r.storedSet(against) == null) {
            err.println("evaluate: the file has no alert set '" + against + "'" + setsList(r));
            return ExitCode.BAD_INPUT;
        }
        if (writeLabel != null && r.storedSet(writeLabel) != null) {
            err.println("evaluate: the file already has an alert set '" + writeLabel + "'; choose another label"
                + setsList(r));
            return ExitCode.BAD_INPUT;
        }

        printHeader(file, r, out);
        printAlerts(r, out);
        final EvaluationResult.StoredSet before = against != null ? r.storedSet(against) : defaultSet(r);
        if (before != null) {
            printDiff(r, before, out);
        } else {
            out.println("no alerts stored in the file to compare with (write some with --write-alerts LABEL)");
        }
        if (writeLabel != null) {
            try {
                write(file, writeLabel, r, out, err);
            } catch (IOException | RunFileException e) {
                err.println("cannot append the alerts to " + file + ": " + e.getMessage());
                return ExitCode.BAD_INPUT;
            }
        }
        return ExitCode.OK;
    }

    /** The --procedure and --set options as evaluation settings (also used by {@code report}). */
    static RunEvaluator.Settings settings(final OptionSpec.Parsed p) {
        String procedure = null;
        int version = 1;
        if (p.get("procedure") != null) {
            final String text = p.get("procedure").strip();
            final int at = text.lastIndexOf('@');
            procedure = at >= 0 ? text.substring(0, at) : text;
            if (at >= 0) {
                version = ReplayArguments.integer("procedure", text.substring(at + 1), 0, 0xFFFF,
                    "procedure version after '@' (id@version)");
            }
            if (procedure.isEmpty()) {
                throw new UsageException("--procedure must not be empty");
            }
        }
        final Map<String, String> sets = new LinkedHashMap<>();
        for (String text : p.all("set")) {
            final int eq = text.indexOf('=');
            if (eq <= 0) {
                throw new UsageException("--set '" + text + "': expected NAME=VALUE, e.g. upper-charge-voltage.limit=4.35");
            }
            final String name = text.substring(0, eq).strip();
            sets.remove(name); // a later --set of the same name wins, and is listed where it was given
            sets.put(name, text.substring(eq + 1).strip());
        }
        final long runOn = p.get("run-on") == null ? 0
            : ReplayArguments.duration("run-on", p.get("run-on")).toNanos() / 1000;
        final RunEvaluator.Settings s = new RunEvaluator.Settings(procedure, version, sets, runOn);
        try {
            RunEvaluator.check(ProcedureLibrary.builtIn(), s);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        return s;
    }

    static String label(final String option, final String value) {
        if (value == null) {
            return null;
        }
        final String v = value.strip();
        if (v.isEmpty() || v.length() > MAX_LABEL_LENGTH || v.chars().anyMatch(Character::isISOControl)) {
            throw new UsageException("--" + option + " '" + value + "': a label is 1.." + MAX_LABEL_LENGTH
                + " characters without control characters");
        }
        return v;
    }

    /** The live set if the file has one, else the set written last, else null. */
    static EvaluationResult.StoredSet defaultSet(final EvaluationResult r) {
        final EvaluationResult.StoredSet live = r.storedSet(LIVE_LABEL);
        if (live != null) {
            return live;
        }
        return r.storedSets().isEmpty() ? null : r.storedSets().get(r.storedSets().size() - 1);
    }

    static String setsList(final EvaluationResult r) {
        if (r.storedSets().isEmpty()) {
            return " (it has none)";
        }
        final List<String> labels = new ArrayList<>();
        r.storedSets().forEach(s -> labels.add(s.label()));
        return " (it has: " + String.join(", ", labels) + ")";
    }

    private static void printHeader(final Path file, final EvaluationResult r, final PrintStream out) {
        long marks = 0;
        for (EvaluationResult.Channel c : r.channels()) {
            marks += c.marks();
        }
        out.println(String.format(Locale.ROOT, "evaluate %s: %d channel%s, %d samples, %d marks in %d frame records; %s",
            file.getFileName(), r.channels().size(), r.channels().size() == 1 ? "" : "s", r.samples(), marks,
            r.frames(), r.settings().describe()));
        if (r.repeatsSkipped() > 0) {
            out.println("  " + r.repeatsSkipped() + " frames skipped as rig resends (as the live job skips them)");
        }
        for (EvaluationResult.Channel c : r.channels()) {
            out.println(String.format(Locale.ROOT, "  channel %s (rig %s, serial '%s', lot '%s'): declared %s%s, "
                    + "evaluated with %s; %d samples%s", c.channelId(), c.rigId(), c.cellSerial(), c.lot(),
                c.declaredProcedure(), c.overrides().isEmpty() ? "" : " with overrides "
                    + new java.util.TreeMap<>(c.overrides()),
                c.evaluatedProcedure(), c.samples(), c.firstMicros() == Long.MIN_VALUE ? "" : " from "
                    + Formats.instant(c.firstMicros()) + " to " + Formats.instant(c.lastMicros()) + " (run time "
                    + Formats.seconds(c.lastMicros() - c.firstMicros()) + " s)"));
            out.println("    parameters: " + parameters(c.parameters()) + (c.silenceOff() ? " (no arrival times in the file for this channel)" : ""));
        }
    }

    /** The parameters of the enabled rules, e.g. {@code upper-charge-voltage limit 4.25 V (hysteresis 0.05 V)}. */
    static String parameters(final RuleParameters p) {
        final List<String> parts = new ArrayList<>();
        if (p.upperChargeVoltageEnabled) {
            parts.add("upper-charge-voltage limit " + Formats.number(p.upperChargeVoltageLimit) + " V (hysteresis "
                + Formats.number(p.upperChargeVoltageHysteresis) + " V)");
        }
        if (p.voltageDropEnabled) {
            parts.add("voltage-drop " + (p.voltageDropMode == VoltageDropRule.MODE_BASELINE ? "baseline"
                : "rolling-rest (window " + Formats.seconds(p.voltageDropWindowMicros) + " s, rest below "
                + Formats.number(p.voltageDropRestCurrent) + " A, settle " + Formats.seconds(p.voltageDropSettleMicros)
                + " s)") + " threshold " + Formats.number(p.voltageDropThreshold * 1000) + " mV"
                + (Double.isNaN(p.voltageDropForceLimit) ? "" : ", force limit "
                + Formats.number(p.voltageDropForceLimit) + " N"));
        }
        if (p.temperatureReturnEnabled) {
            parts.add("temperature-return fraction " + Formats.number(p.temperatureReturnFraction) + " of the peak "
                + "(min rise " + Formats.number(p.temperatureReturnMinRise) + " K, ambient "
                + (Double.isNaN(p.temperatureReturnAmbient) ? "from the samples or the first cell temperature"
                : Formats.number(p.temperatureReturnAmbient) + " C") + ", cap "
                + Formats.number(p.temperatureReturnTimeCapMicros / 3.6e9) + " h)");
        }
        parts.add("silent after " + (p.silentAfterMicros == 0 ? "off" : Formats.seconds(p.silentAfterMicros) + " s"));
        return String.join("; ", parts);
    }

    private static void printAlerts(final EvaluationResult r, final PrintStream out) {
        out.println("alerts: " + r.alerts().size());
        if (r.channels().size() <= 1) {
            for (Alert a : r.alerts()) {
                out.println("  " + describe(a, r));
                out.println("      " + a.reason());
            }
            return;
        }
        // Several channels: one section each, in file order; every channel has its own rules, state and clock of
        // alerts, so reading them one channel at a time is what an engineer compares with the live job.
        final Map<String, List<Alert>> byChannel = alertsByChannel(r, r.alerts());
        for (Map.Entry<String, List<Alert>> e : byChannel.entrySet()) {
            out.println("  channel " + e.getKey() + ": " + e.getValue().size() + " alert"
                + (e.getValue().size() == 1 ? "" : "s"));
            for (Alert a : e.getValue()) {
                out.println("    " + describe(a, r));
                out.println("        " + a.reason());
            }
        }
    }

    /** {@code alerts} grouped by channel id, the file's channels first (in file order, also those with none). */
    static Map<String, List<Alert>> alertsByChannel(final EvaluationResult r, final List<Alert> alerts) {
        final Map<String, List<Alert>> byChannel = new LinkedHashMap<>();
        for (EvaluationResult.Channel c : r.channels()) {
            byChannel.put(c.channelId(), new ArrayList<>());
        }
        for (Alert a : alerts) {
            byChannel.computeIfAbsent(a.channelId(), k -> new ArrayList<>()).add(a);
        }
        return byChannel;
    }

    /** The difference's entries grouped by channel id, the file's channels first. */
    static Map<String, List<AlertDiff.Entry>> diffByChannel(final EvaluationResult r, final AlertDiff diff) {
        final Map<String, List<AlertDiff.Entry>> byChannel = new LinkedHashMap<>();
        for (EvaluationResult.Channel c : r.channels()) {
            byChannel.put(c.channelId(), new ArrayList<>());
        }
        for (AlertDiff.Entry e : diff.entries()) {
            byChannel.computeIfAbsent(e.any().channelId(), k -> new ArrayList<>()).add(e);
        }
        return byChannel;
    }

    /** E.g. {@code 0 added, 1 removed, 0 earlier, 0 later, 2 unchanged}. */
    static String counts(final List<AlertDiff.Entry> entries) {
        final int[] n = new int[AlertDiff.Kind.values().length];
        for (AlertDiff.Entry e : entries) {
            n[e.kind().ordinal()]++;
        }
        return String.format(Locale.ROOT, "%d added, %d removed, %d earlier, %d later, %d unchanged",
            n[AlertDiff.Kind.ADDED.ordinal()], n[AlertDiff.Kind.REMOVED.ordinal()], n[AlertDiff.Kind.EARLIER.ordinal()],
            n[AlertDiff.Kind.LATER.ordinal()], n[AlertDiff.Kind.UNCHANGED.ordinal()]);
    }

    /**
     * One alert on one line, e.g. {@code +1469.170 s 2019-08-15T17:01:31.170Z upper-charge-voltage over-limit value
     * 4.254292 V reference - threshold 4.25 V [SAFETY STOP] channel import/x alert 4f1c...}.
     */
    static String describe(final Alert a, final EvaluationResult r) {
        return String.format(Locale.ROOT, "%s  %s  %s  %s  value %s  reference %s  threshold %s  [%s %s]  "
                + "channel %s  alert %s", runTime(a, r), Formats.instant(a.sampleTimeMicros()), a.rule(), a.trigger(),
            withUnit(a.value(), a.unit()), withUnit(a.reference(), a.unit()), withUnit(a.threshold(), a.unit()),
            a.alertClass(), a.action(), a.channelId(), a.alertId());
    }

    static String withUnit(final double v, final String unit) {
        return Double.isNaN(v) ? "-" : Formats.number(v) + " " + unit;
    }

    /** The alert's time since its channel's first sample, e.g. {@code +1469.170 s}. */
    static String runTime(final Alert a, final EvaluationResult r) {
        final EvaluationResult.Channel c = r.channel(a.channelId());
        if (c == null || c.firstMicros() == Long.MIN_VALUE) {
            return "";
        }
        return "+" + Formats.seconds(a.sampleTimeMicros() - c.firstMicros()) + " s";
    }

    private static void printDiff(final EvaluationResult r, final EvaluationResult.StoredSet before,
                                  final PrintStream out) {
        final AlertDiff diff = AlertDiff.compare(before.alerts(), r.alerts());
        out.println(String.format(Locale.ROOT, "compared with alert set '%s' (%s%s, %d alerts): %d added, %d removed, "
                + "%d earlier, %d later, %d unchanged", before.label(),
            before.origin() == null ? "origin unknown" : before.origin().name().toLowerCase(Locale.ROOT),
            before.description().isEmpty() ? "" : ": " + before.description(), before.alerts().size(),
            diff.of(AlertDiff.Kind.ADDED).size(), diff.of(AlertDiff.Kind.REMOVED).size(),
            diff.of(AlertDiff.Kind.EARLIER).size(), diff.of(AlertDiff.Kind.LATER).size(),
            diff.of(AlertDiff.Kind.UNCHANGED).size()));
        final Map<String, List<AlertDiff.Entry>> byChannel = diffByChannel(r, diff);
        if (byChannel.size() <= 1) {
            for (AlertDiff.Entry e : diff.entries()) {
                if (e.kind() != AlertDiff.Kind.UNCHANGED) {
                    out.println("  " + describe(e, r));
                }
            }
            return;
        }
        for (Map.Entry<String, List<AlertDiff.Entry>> c : byChannel.entrySet()) {
            out.println("  channel " + c.getKey() + ": " + counts(c.getValue()));
            for (AlertDiff.Entry e : c.getValue()) {
                if (e.kind() != AlertDiff.Kind.UNCHANGED) {
                    out.println("    " + describe(e, r));
                }
            }
        }
    }

    /**
     * One line of the difference, e.g. {@code removed  upper-charge-voltage  channel import/x  +1469.170 s
     * 2019-08-15T17:01:31.170Z  4.254292 V} or {@code earlier ... +12.300 s ... 4.12 V -> +11.800 s ... 4.13 V
     * (0.500 s earlier)}.
     */
    static String describe(final AlertDiff.Entry e, final EvaluationResult r) {
        final Alert any = e.any();
        final String head = String.format(Locale.ROOT, "%-8s %s  channel %s  ", e.kind().name().toLowerCase(Locale.ROOT),
            any.rule(), any.channelId());
        return switch (e.kind()) {
            case ADDED -> head + point(e.after(), r) + "  (new)";
            case REMOVED -> head + point(e.before(), r) + "  (no longer raised)";
            default -> head + point(e.before(), r) + " -> " + point(e.after(), r) + "  ("
                + Formats.seconds(Math.abs(e.shiftMicros())) + " s " + (e.shiftMicros() < 0 ? "earlier" : "later") + ")";
        };
    }

    private static String point(final Alert a, final EvaluationResult r) {
        final String rt = runTime(a, r);
        return (rt.isEmpty() ? "" : rt + " ") + Formats.instant(a.sampleTimeMicros()) + " " + withUnit(a.value(),
            a.unit());
    }

    private void write(final Path file, final String label, final EvaluationResult r, final PrintStream out,
                       final PrintStream err) throws IOException, RunFileException {
        final long now = ChronoUnit.MICROS.between(Instant.EPOCH, ctx.wallClock().instant());
        try (RunFileWriter w = RunFileWriter.append(file)) {
            final RunFileTail before = w.tailBeforeAppend();
            if (!before.isComplete()) {
                err.println("warning: " + file.getFileName() + ": removed the incomplete last record ("
                    + before.damagedBytes() + " bytes at byte " + before.usableLength() + ") before appending");
            }
            w.alertSet(now, AlertOrigin.EVALUATION, label, r.settings().describe());
            for (Alert a : r.alerts()) {
                w.alert(label, a);
            }
        }
        out.println("wrote alert set '" + label + "' (" + r.alerts().size() + " alerts) to " + file);
    }

    /**
     * What the reader and the evaluation had to say about the file: a damaged tail, records that could not be applied,
     * records of types this version does not know (skipped, never silently).
     */
    static void printWarnings(final Path file, final EvaluationResult r, final PrintStream err) {
        if (!r.tail().isComplete()) {
            err.println("warning: " + file.getFileName() + ": " + r.tail().describe());
        }
        for (String problem : r.problems()) {
            err.println("warning: " + file.getFileName() + ": " + problem);
        }
        if (r.unknownRecords() > 0) {
            err.println("warning: " + file.getFileName() + ": " + r.unknownRecords() + " records of a type this "
                + "version does not know were skipped (written by a newer tool)");
        }
    }

}
