package io.cellwatch.replay;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import io.cellwatch.replay.run.ChannelInfo;
import io.cellwatch.replay.run.Run;
import io.cellwatch.replay.run.RunCsvReader;
import io.cellwatch.replay.run.RunFormatException;
import io.cellwatch.replay.run.TimeStepBack;
import io.cellwatch.replay.runfile.RunFileChannelLoader;
import io.cellwatch.replay.runfile.RunFileException;
import io.cellwatch.replay.runfile.RunFileReader;
import io.cellwatch.replay.send.BatchSchedule;
import io.cellwatch.replay.send.ReplayConnectionException;
import io.cellwatch.replay.send.ReplayOptions;
import io.cellwatch.replay.send.ReplayProgress;
import io.cellwatch.replay.send.ReplayResult;
import io.cellwatch.replay.send.Replayer;
import io.cellwatch.replay.send.RigClientLink;

/**
 * {@code replay}: reads a run (the CSV format, or one channel of a binary run file) completely, connects to a gateway
 * as a rig, declares one channel and sends the run's samples and marks, paced; prints progress and every COMMAND;
 * waits for the acknowledgements and sets the exit code.
 */
final class ReplayCommand implements Subcommand {
    static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(2);
    /** Time steps back listed one by one before the rest is only counted. */
    private static final int TIME_STEPS_LISTED = 10;

    private final CliContext ctx;

    ReplayCommand(final CliContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public String name() {
        return "replay";
    }

    @Override
    public String summary() {
        return "send a run (CSV or run file) to a gateway as a rig, paced, and print the commands that come back";
    }

    @Override
    public String help() {
        return "usage: replay [OPTIONS] RUN.csv | RUN.cwrun\n"
            + "\n"
            + "Reads the run completely (any bad line stops the tool before anything is sent), connects to the\n"
            + "gateway as a rig, declares the channel and sends the samples in SAMPLES frames at the chosen speed,\n"
            + "and a run file's phase marks in MARK frames between them. Prints progress every "
            + PROGRESS_INTERVAL.toSeconds() + " s and every\n"
            + "COMMAND received, then waits until the gateway has acknowledged every frame, then keeps the connection\n"
            + "open for --await-commands (default " + ReplayArguments.DEFAULT_AWAIT_COMMANDS.toSeconds() + " s) for "
            + "the COMMANDs the job raises on the last samples.\n"
            + "\n"
            + "RUN.cwrun: a run file (docs/run-file.md, written by 'import' or 'record'), recognised by its first\n"
            + "bytes. Its channel declarations, rig ids and sample times are used unless options say otherwise.\n"
            + "Sample time = the file's own, or --start-time + run time.\n"
            + "A file with several channels (record --rig/--lot) is replayed whole, or the --run-channel ones: the\n"
            + "channels of each recorded rig over one connection as that rig, numbered 0, 1, ... on it in file\n"
            + "order, all rigs at once on one time base (run time 0 = the earliest channel start). --rig R sends\n"
            + "them all over one connection as rig R (ids kept); --retarget R sends them as rig R with ids moved\n"
            + "into R's namespace (rigA/ch01 -> R/ch01). --channel and --serial name one channel: not with several.\n"
            + "\n"
            + "RUN.csv: sample time = --start-time + the file's time_s. A header, then one sample per line.\n"
            + "Required columns: "
            + String.join(",", RunCsvReader.REQUIRED_COLUMNS) + ";\n"
            + "optional: " + String.join(",", RunCsvReader.OPTIONAL_COLUMNS)
            + " (blank or NaN = absent). Times may repeat; a time that goes\n"
            + "backwards is reported and the row is sent at the previous row's time. See docs/replay.md.\n"
            + "\n"
            + "Options:\n"
            + ReplayArguments.SPEC.describe()
            + "\n"
            + "Exit codes: " + ExitCode.OK + " every frame acknowledged, " + ExitCode.CONNECTION_FAILED
            + " connection failed, " + ExitCode.BAD_INPUT + " bad arguments or run file,\n"
            + "            " + ExitCode.NOT_ACKNOWLEDGED + " not every frame acknowledged within --ack-timeout.\n";
    }

    /** What to send: the run, as which rig, from which rig time. */
    private record Plan(Run run, String rigId, long startMicros, String timeLabel) {
    }

    @Override
    public int run(final List<String> args) throws InterruptedException {
        final PrintStream out = ctx.out();
        final PrintStream err = ctx.err();
        final ReplayArguments a = ReplayArguments.parse(args, ctx.env(), ctx.wallClock().instant());

        final Plan plan;
        try {
            if (RunFileReader.isRunFile(a.runFile())) {
                final List<String> channels = a.runChannels().isEmpty() ? RunFileChannelLoader.channels(a.runFile())
                    : a.runChannels();
                if (channels.size() > 1) {
                    return new MultiChannelReplay(ctx, a).run(channels);
                }
            }
            plan = RunFileReader.isRunFile(a.runFile()) ? runFilePlan(a, err) : csvPlan(a);
        } catch (NoSuchFileException e) {
            err.println("cannot read run file " + a.runFile() + ": no such file");
            return ExitCode.BAD_INPUT;
        } catch (IOException e) {
            err.println("cannot read run file " + a.runFile() + ": " + e);
            return ExitCode.BAD_INPUT;
        } catch (RunFormatException | RunFileException e) {
            err.println("bad run file: " + e.getMessage());
            return ExitCode.BAD_INPUT;
        }
        final Run run = plan.run();
        reportTimeSteps(run, plan.timeLabel(), err);

        final ReplayOptions options = a.toReplayOptions(plan.startMicros());
        final BatchSchedule schedule = BatchSchedule.plan(run, options.batchSize(), options.speed());
        out.println(describePlan(a, plan.rigId(), run, schedule, options.startMicros()));

        final GatewayEventPrinter events = new GatewayEventPrinter(out, err, options.startMicros());
        final RigClientLink link;
        try {
            link = RigClientLink.connect(a.host(), a.port(), plan.rigId(), a.token(), events, a.connectTimeout());
        } catch (IOException | TimeoutException e) {
            err.println("cannot connect to gateway " + a.gateway() + " as rig " + plan.rigId() + ": "
                + e.getMessage());
            return ExitCode.CONNECTION_FAILED;
        }
        final Replayer replayer = new Replayer(link, ctx.replayClock(), options, events);
        final ProgressPrinter progress = new ProgressPrinter(out, replayer::progress, PROGRESS_INTERVAL);
        try (link) {
            progress.start();
            final ReplayResult result;
            try {
                result = replayer.replay(run);
            } catch (ReplayConnectionException e) {
                progress.close();
                final ReplayProgress p = replayer.progress();
                err.println(e.getMessage());
                err.println(String.format(Locale.ROOT, "gave up after sending %d/%d rows; %d rows (%d/%d frames) "
                    + "were acknowledged", p.rowsSent(), p.rowsTotal(), p.rowsAcked(), p.framesAcked(),
                    p.framesSent()));
                return ExitCode.CONNECTION_FAILED;
            }
            progress.close();
            awaitLateCommands(a, events, out);
            printSummary(a, run, result, events.commands().size(), out, err);
            return result.allAcked() ? ExitCode.OK : ExitCode.NOT_ACKNOWLEDGED;
        } finally {
            progress.close();
        }
    }

    private static Plan csvPlan(final ReplayArguments a) throws IOException, RunFormatException {
        if ("file".equalsIgnoreCase(a.startOption())) {
            throw new UsageException("--start-time file: a CSV run has no times of its own (time_s counts from "
                + "the run start); give a date or now");
        }
        final Run run = new RunCsvReader().read(a.runFile(), a.retarget() == null ? a.channel()
            : a.channel().withChannelId(ReplayArguments.retargeted(a.channel().channelId(), a.retarget())));
        return new Plan(run, a.retarget() != null ? a.retarget() : a.rigId(),
            ChronoUnit.MICROS.between(Instant.EPOCH, a.startTime()), "line");
    }

    private static Plan runFilePlan(final ReplayArguments a, final PrintStream err)
        throws IOException, RunFileException {
        final RunFileChannelLoader.Loaded loaded = RunFileChannelLoader.load(a.runFile(),
            a.runChannels().isEmpty() ? null : a.runChannels().get(0));
        warnings(a, loaded, err, true);
        ChannelInfo info;
        try {
            info = ChannelOptions.checked(a.given().applyTo(loaded.run().channel()));
        } catch (IllegalArgumentException e) {
            throw new UsageException("bad channel declaration: " + e.getMessage());
        }
        if (a.retarget() != null) {
            info = info.withChannelId(ReplayArguments.retargeted(info.channelId(), a.retarget()));
        }
        final long start = a.keepFileTimes() ? loaded.startMicros()
            : ChronoUnit.MICROS.between(Instant.EPOCH, a.startTime());
        return new Plan(loaded.run().withChannel(info), a.retarget() != null ? a.retarget()
            : a.rigGiven() ? a.rigId() : loaded.rigId(), start, "sample");
    }

    /**
     * What loading a channel of a run file noticed: resends and redeclarations of the channel, and with
     * {@code fileToo} the file's damaged tail and records of newer tools.
     */
    static void warnings(final ReplayArguments a, final RunFileChannelLoader.Loaded loaded, final PrintStream err,
                         final boolean fileToo) {
        if (fileToo && !loaded.tail().isComplete()) {
            err.println("warning: " + a.runFile().getFileName() + ": " + loaded.tail().describe());
        }
        if (loaded.repeatsSkipped() > 0) {
            err.println("warning: " + a.runFile().getFileName() + ": " + loaded.repeatsSkipped()
                + " frames skipped as rig resends (sequence number not above the last one of the channel)");
        }
        if (fileToo && loaded.unknownRecords() > 0) {
            err.println("warning: " + a.runFile().getFileName() + ": " + loaded.unknownRecords() + " records of a type "
                + "this version does not know were skipped (written by a newer tool)");
        }
        if (loaded.redeclared() > 0) {
            err.println("warning: " + a.runFile().getFileName() + ": channel " + loaded.run().channel().channelId()
                + " is declared " + (loaded.redeclared() + 1) + " times; the first declaration is replayed");
        }
    }

    /**
     * Keeps the connection(s) open after the last acknowledgement for {@code --await-commands}, or until
     * {@code --expect-commands} COMMANDs have arrived, so that the stops the job raises on the run's last samples
     * are still received and printed.
     */
    static void awaitLateCommands(final ReplayArguments a, final GatewayEventPrinter events, final PrintStream out)
        throws InterruptedException {
        final int before = events.commands().size();
        if (a.awaitCommands().isZero() || a.expectCommands() > 0 && before >= a.expectCommands()) {
            return;
        }
        out.println(String.format(Locale.ROOT, "waiting up to %.1f s for further COMMANDs (--await-commands)%s",
            a.awaitCommands().toMillis() / 1000.0, a.expectCommands() > 0 ? ", or until " + a.expectCommands()
                + " have arrived (--expect-commands)" : ""));
        final int after = events.awaitCommands(a.expectCommands(), a.awaitCommands());
        out.println((after - before) + " COMMANDs arrived while waiting");
    }

    static void reportTimeSteps(final Run run, final String what, final PrintStream err) {
        final List<TimeStepBack> steps = run.timeStepsBack();
        for (int i = 0; i < Math.min(steps.size(), TIME_STEPS_LISTED); i++) {
            err.println("warning: " + run.source() + " " + steps.get(i).describe(what));
        }
        if (steps.size() > TIME_STEPS_LISTED) {
            err.println("warning: " + run.source() + ": " + (steps.size() - TIME_STEPS_LISTED)
                + " more times going backwards, treated the same way");
        }
    }

    static String describePlan(final ReplayArguments a, final String rigId, final Run run,
                               final BatchSchedule schedule, final long startMicros) {
        final ChannelInfo c = run.channel();
        final double runSeconds = run.durationMicros() / 1e6;
        return String.format(Locale.ROOT,
            "replay %s: %d rows%s, run time %.3f s, %d SAMPLES frames of up to %d rows, speed %s%s%n"
                + "  to gateway %s as rig %s, channel %s (serial '%s', lot '%s', procedure '%s' v%d, %s, %s Ah%s)%n"
                + "  sample times from %s",
            run.source(), run.size(), run.marks().isEmpty() ? "" : ", " + run.marks().size() + " marks",
            runSeconds, schedule.batchCount(), a.batchSize(), a.speed(),
            a.speed().isMax() ? "" : String.format(Locale.ROOT, " (about %.1f s)", runSeconds / a.speed().factor()),
            a.gateway(), rigId, c.channelId(), c.cellSerial(), c.lot(), c.procedureId(), c.procedureVersion(),
            c.cellForm().name().toLowerCase(Locale.ROOT), c.ratedCapacityAh(),
            c.overrides().isEmpty() ? "" : ", overrides " + new java.util.TreeMap<>(c.overrides()),
            Instant.EPOCH.plus(startMicros, ChronoUnit.MICROS));
    }

    private static void printSummary(final ReplayArguments a, final Run run, final ReplayResult r, final int commands,
                                     final PrintStream out, final PrintStream err) {
        final double sendSeconds = r.sendNanos() / 1e9;
        out.println(String.format(Locale.ROOT, "sent %d/%d rows in %d SAMPLES frames (+1 CHANNEL%s) in %.3f s "
                + "(%.0f rows/s)", r.rowsSent(), run.size(), r.framesSent() - 1 - r.marksSent(),
            r.marksSent() == 0 ? "" : ", " + r.marksSent() + " MARK", sendSeconds,
            sendSeconds > 0 ? r.rowsSent() / sendSeconds : 0.0));
        out.println(String.format(Locale.ROOT, "acknowledged %d/%d frames (%d rows), %.3f s after the last send; "
                + "%d commands received; %d times going backwards; %d reconnects", r.framesAcked(), r.framesSent(),
            r.rowsAcked(), r.ackWaitNanos() / 1e9, commands, run.timeStepsBack().size(), r.reconnects()));
        if (r.allAcked()) {
            out.println("done: every frame acknowledged");
        } else {
            err.println("NOT acknowledged within --ack-timeout " + a.ackTimeout().toMillis() / 1000.0 + " s: "
                + (r.framesSent() - r.framesAcked()) + " of " + r.framesSent() + " frames ("
                + (r.rowsSent() - r.rowsAcked()) + " rows)");
        }
    }
}
