package io.cellwatch.replay.runfile;

/**
 * A run file cannot be read: not a run file, a format version this tool does not know, or a damaged record that is
 * not the last one. The message names the file and, where it applies, the byte offset.
 */
public final class RunFileException extends Exception {
    private static final long serialVersionUID = 1L;

    private final long offset;

    /**
     * @param source the file name
     * @param offset byte offset of the problem, or -1
     * @param detail what is wrong
     */
    public RunFileException(final String source, final long offset, final String detail) {
        super(source + (offset >= 0 ? " at byte " + offset : "") + ": " + detail);
        this.offset = offset;
    }

    /** Byte offset of the problem in the file, -1 when it is not at one place. */
    public long offset() {
        return offset;
    }
}
