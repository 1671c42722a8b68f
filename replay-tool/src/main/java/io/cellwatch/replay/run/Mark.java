package io.cellwatch.replay.run;

import io.cellwatch.core.model.MarkType;

/**
 * A phase marker of a run (a MARK frame: the press started, the short was applied, ...), placed between samples.
 *
 * @param beforeRow the index of the first sample that comes after the mark (the run's size for a mark after the last
 *                  sample); the mark is sent before that sample's SAMPLES frame
 * @param runMicros the mark's time, microseconds since the run start (same timeline as the samples)
 * @param type      the mark type, {@link MarkType}
 */
public record Mark(int beforeRow, long runMicros, int type) {

    /** E.g. {@code PRESS_START at 12.300 s}. */
    public String describe() {
        return MarkType.name(type) + " at " + Run.formatSeconds(runMicros) + " s";
    }
}
