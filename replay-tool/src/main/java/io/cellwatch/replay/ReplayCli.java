package io.cellwatch.replay;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The replay tool's entry point: {@code ReplayCli <command> [options]}. It only dispatches; each {@link Subcommand}
 * parses its own arguments. Exit codes are in {@link ExitCode}.
 */
public final class ReplayCli {
    private final CliContext ctx;
    private final Map<String, Subcommand> commands = new LinkedHashMap<>();

    public ReplayCli(final CliContext ctx) {
        this.ctx = ctx;
        register(new ImportCommand(ctx));
        register(new EvaluateCommand(ctx));
        register(new ReplayCommand(ctx));
        register(new ReportCommand(ctx));
        register(new RecordCommand(ctx));
    }

    private void register(final Subcommand command) {
        commands.put(command.name(), command);
    }

    /** The JVM option the codec needs (Agrona 2.x reads {@code jdk.internal.misc.Unsafe}). */
    public static final String REQUIRED_JVM_OPTION = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";

    public static void main(final String[] args) {
        // Checked up front: without it the rig client fails deep inside Agrona with an IllegalAccessError.
        if (!Object.class.getModule().isExported("jdk.internal.misc", ReplayCli.class.getModule())) {
            System.err.println("start the JVM with " + REQUIRED_JVM_OPTION + " (needed by Agrona 2.x), e.g. java "
                + REQUIRED_JVM_OPTION + " -cp ... " + ReplayCli.class.getName() + " ...");
            System.exit(ExitCode.BAD_INPUT);
        }
        System.exit(new ReplayCli(CliContext.system()).run(args));
    }

    /** Runs the tool; returns the exit code. */
    public int run(final String... args) {
        if (args.length == 0) {
            ctx.err().print(usage());
            return ExitCode.BAD_INPUT;
        }
        final String first = args[0];
        if ("--help".equals(first) || "-h".equals(first) || "help".equals(first)) {
            if (args.length > 1 && commands.containsKey(args[1])) {
                ctx.out().print(commands.get(args[1]).help());
            } else if (args.length > 1) {
                ctx.err().println("unknown command '" + args[1] + "'; commands: " + String.join(", ", commands.keySet()));
                return ExitCode.BAD_INPUT;
            } else {
                ctx.out().print(usage());
            }
            return ExitCode.OK;
        }
        final Subcommand command = commands.get(first);
        if (command == null) {
            ctx.err().println((first.startsWith("-") ? "unknown option " + first : "unknown command '" + first + "'")
                + "; commands: " + String.join(", ", commands.keySet()) + "; see --help");
            return ExitCode.BAD_INPUT;
        }
        final List<String> rest = Arrays.asList(args).subList(1, args.length);
        if (OptionSpec.wantsHelp(rest)) {
            ctx.out().print(command.help());
            return ExitCode.OK;
        }
        try {
            return command.run(rest);
        } catch (UsageException e) {
            ctx.err().println(command.name() + ": " + e.getMessage());
            return ExitCode.BAD_INPUT;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ctx.err().println(command.name() + ": interrupted");
            return ExitCode.CONNECTION_FAILED;
        }
    }

    /** The tool's help. */
    public String usage() {
        final StringBuilder sb = new StringBuilder()
            .append("usage: ReplayCli COMMAND [OPTIONS]   (ReplayCli COMMAND --help for its options)\n")
            .append("\n")
            .append("CellWatch replay tool: imports recorded battery-cell test runs, evaluates them offline with the\n")
            .append("live job's rules (\"what if the limit had been X\"), and feeds them to a gateway as a rig would.\n")
            .append("\n")
            .append("Commands:\n");
        for (Subcommand c : commands.values()) {
            sb.append(String.format("  %-10s %s%n", c.name(), c.summary()));
        }
        sb.append("\n")
            .append("Exit codes: 0 ok, 1 connection failed, 2 bad arguments or input, 3 not every frame acknowledged\n")
            .append("(1: replay and record; 3: replay only).\n")
            .append("Documentation: docs/replay.md\n");
        return sb.toString();
    }
}
