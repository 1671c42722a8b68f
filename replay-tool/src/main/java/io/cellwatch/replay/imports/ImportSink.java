package io.cellwatch.replay.imports;

import java.io.IOException;

/** Where an importer puts what it reads, line by line. */
public interface ImportSink {
    /**
     * One sample.
     *
     * @param line            1-based line number in the file
     * @param absolute        true: {@code micros} is a rig time, us since the epoch (the file has dates or epoch
     *                        times); false: us elapsed since the run start
     * @param micros          the time
     * @param voltage         V
     * @param current         A, + = charge
     * @param cellTemperature C, NaN when absent
     * @param ambient         C, NaN when absent
     * @param force           N, NaN when absent
     */
    void sample(long line, boolean absolute, long micros, double voltage, double current, double cellTemperature,
                double ambient, double force) throws ImportException, IOException;

    /** A data line that could not be read: never dropped silently. */
    void unparseable(long line, String text, String reason) throws ImportException;

    /** A line that is not a sample by design (a cycle or step summary row, a comment), counted by {@code what}. */
    void skipped(long line, String what);
}
