package io.cellwatch.replay.imports;

/**
 * A file cannot be imported: its format is not recognised, a required column is missing, or (with {@code --strict})
 * a line cannot be parsed. The message names the file and, where there is one, the line.
 */
public final class ImportException extends Exception {
    private static final long serialVersionUID = 1L;

    private final long line;

    /**
     * @param source the file name
     * @param line   1-based line number, 0 when the problem is not on one line
     * @param detail what is wrong
     */
    public ImportException(final String source, final long line, final String detail) {
        super(source + (line > 0 ? " line " + line : "") + ": " + detail);
        this.line = line;
    }

    /** 1-based line number, 0 when the problem is not on one line. */
    public long line() {
        return line;
    }
}
