package io.cellwatch.replay.runfile;

import io.cellwatch.core.alert.Alert;

/** Receives the records of a run file from {@link RunFileReader}, in file order. Every method does nothing by default. */
public interface RunFileVisitor {
    /** A CHANNEL, SAMPLES or MARK frame; the view is valid during this call only. */
    default void frame(FrameRecord record) {
    }

    /** A set of alerts is declared; its alerts follow in ALERT records with the same label. */
    default void alertSet(AlertSetRecord set) {
    }

    /** One alert of the set {@code label}. */
    default void alert(long offset, String label, Alert alert) {
    }

    /** A note about the file. */
    default void note(NoteRecord note) {
    }

    /** A record type this version does not know (written by a newer tool); it is skipped. */
    default void unknown(long offset, int type, int length) {
    }

    /**
     * An ALERT_SET record.
     *
     * @param offset          byte offset of the record
     * @param createdAtMicros when the set was written, us since the epoch
     * @param originCode      the stored origin code
     * @param origin          the origin, null for a code this version does not know
     * @param label           the set's label, unique in the file
     * @param description     what produced it (procedure, parameters, ...)
     */
    record AlertSetRecord(long offset, long createdAtMicros, int originCode, AlertOrigin origin, String label,
                          String description) {
    }

    /**
     * A NOTE record.
     *
     * @param offset          byte offset of the record
     * @param writtenAtMicros when it was written, us since the epoch
     * @param kind            what it is about, e.g. {@code import}
     * @param text            the note
     */
    record NoteRecord(long offset, long writtenAtMicros, String kind, String text) {
    }
}
