package io.cellwatch.replay;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import io.cellwatch.replay.send.ReplayClock;

/**
 * Runs the CLI in-process as from the command line and keeps what it printed; for tests of every command.
 *
 * @param exit the exit code
 * @param out  what went to stdout
 * @param err  what went to stderr
 */
public record CliRun(int exit, String out, String err) {
    /** The wall clock of every test run: file creation times and --write-alerts are reproducible. */
    public static final Instant NOW = Instant.parse("2026-02-01T12:00:00Z");

    /** Runs {@code args} with the system's monotonic clock. */
    public static CliRun run(final String... args) {
        return run(ReplayClock.SYSTEM, args);
    }

    /** Runs {@code args} with {@code clock} for pacing and progress. */
    public static CliRun run(final ReplayClock clock, final String... args) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final ReplayCli cli = new ReplayCli(new CliContext(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), Clock.fixed(NOW, ZoneOffset.UTC), clock));
        final int exit = cli.run(args);
        return new CliRun(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "exit " + exit + "\n---- stdout ----\n" + out + "---- stderr ----\n" + err;
    }
}
