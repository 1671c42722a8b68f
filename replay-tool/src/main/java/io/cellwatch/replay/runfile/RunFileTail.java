package io.cellwatch.replay.runfile;

import java.util.Locale;

/**
 * How a run file ends. A recording that was interrupted (the recorder killed, the disk full) leaves an incomplete
 * last record; the records before it are fine, so readers use them and report the damaged tail instead of failing.
 *
 * @param usableLength bytes from the start of the file to the end of the last good record
 * @param damagedBytes bytes after it (0 when the file ends cleanly)
 * @param reason       what is wrong with those bytes, null when the file ends cleanly
 */
public record RunFileTail(long usableLength, long damagedBytes, String reason) {

    /** A file that ends with a complete record. */
    public static RunFileTail complete(final long length) {
        return new RunFileTail(length, 0, null);
    }

    /** Whether the file ends with a complete record. */
    public boolean isComplete() {
        return damagedBytes == 0;
    }

    /** One sentence for people, e.g. for a warning. */
    public String describe() {
        if (isComplete()) {
            return "the file ends with a complete record";
        }
        return String.format(Locale.ROOT, "the last record is incomplete (%s; %d bytes from byte %d to the end, "
            + "an interrupted recording?): it is ignored, the records before it are used", reason, damagedBytes,
            usableLength);
    }
}
