package io.cellwatch.replay.run;

/**
 * A row whose time is earlier than the row before it (a recorder that restarted its clock, a new file appended).
 * The row is not dropped: it is sent at the rig time of the previous row, and the rows after it keep their spacing
 * from it, so rig timestamps never go backwards.
 *
 * @param line             line number of the row in the source file (1-based)
 * @param previousMicros   time of the previous row in the file, microseconds since run start
 * @param fileMicros       time of this row in the file, microseconds since run start
 * @param replayMicros     the run time this row is sent at (= that of the previous row)
 */
public record TimeStepBack(long line, long previousMicros, long fileMicros, long replayMicros) {

    /** A one-line description, e.g. {@code line 57: time goes back from 120.000 s to 0.000 s; sent at 120.000 s}. */
    public String describe() {
        return describe("line");
    }

    /** The same, naming the row as {@code what} ({@code line}, or {@code sample} for a binary run file). */
    public String describe(final String what) {
        return what + " " + line + ": time goes back from " + Run.formatSeconds(previousMicros) + " s to "
            + Run.formatSeconds(fileMicros) + " s; sent at run time " + Run.formatSeconds(replayMicros)
            + " s, later rows keep their spacing";
    }
}
