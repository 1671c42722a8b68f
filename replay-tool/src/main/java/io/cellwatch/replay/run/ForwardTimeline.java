package io.cellwatch.replay.run;

import java.util.ArrayList;
import java.util.List;

/**
 * The time-going-backwards policy shared by every reader and importer: a row whose time is earlier than the row
 * before it (a recorder that restarted its clock at zero, a second file appended) is placed at the previous row's
 * time, and every later row is shifted by the same amount, so it keeps its spacing from that row. Times therefore
 * never decrease, no row is dropped, and a restart does not collapse the rest of the run onto one timestamp. Equal
 * times (duplicate timestamps) are kept as they are. Each step back is recorded as a {@link TimeStepBack}.
 */
public final class ForwardTimeline {
    private final List<TimeStepBack> steps = new ArrayList<>();
    private boolean started;
    private long previousFileMicros;
    private long previousPlacedMicros;
    /** Added to the file's times after each step back. */
    private long shiftMicros;

    /**
     * Places one row.
     *
     * @param line       the row's line in the source, for the notes
     * @param fileMicros the row's time as the file gives it
     * @return the row's time on the never-decreasing timeline
     */
    public long place(final long line, final long fileMicros) {
        if (started && fileMicros < previousFileMicros) {
            shiftMicros = previousPlacedMicros - fileMicros;
            steps.add(new TimeStepBack(line, previousFileMicros, fileMicros, previousPlacedMicros));
        }
        started = true;
        previousFileMicros = fileMicros;
        previousPlacedMicros = fileMicros + shiftMicros;
        return previousPlacedMicros;
    }

    /** The steps back so far, in file order. */
    public List<TimeStepBack> steps() {
        return steps;
    }

    /** The number of steps back so far. */
    public int stepCount() {
        return steps.size();
    }
}
