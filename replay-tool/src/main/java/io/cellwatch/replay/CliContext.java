package io.cellwatch.replay;

import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;

import io.cellwatch.replay.send.ReplayClock;

/**
 * What a subcommand may touch outside its arguments; tests pass their own.
 *
 * @param out         results, progress and commands
 * @param err         errors and warnings
 * @param env         the environment (only documented variables are read)
 * @param wallClock   the date and time, for defaults such as "start now"
 * @param replayClock the monotonic clock and sleep used for pacing
 */
public record CliContext(PrintStream out, PrintStream err, Map<String, String> env, Clock wallClock,
                         ReplayClock replayClock) {

    /** The real console, environment and clocks. */
    public static CliContext system() {
        return new CliContext(System.out, System.err, System.getenv(), Clock.systemUTC(), ReplayClock.SYSTEM);
    }
}
