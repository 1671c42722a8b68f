package io.cellwatch.replay.run;

/**
 * A run file cannot be used: the message names the file, the line and, where there is one, the column, e.g.
 * {@code run.csv line 7, column 2 (voltage_v): '4,1' is not a number}.
 */
public final class RunFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final long line;
    private final String column;

    /**
     * @param source the file name
     * @param line   1-based line number, 0 when the problem is not on one line
     * @param column the column as {@code 2 (voltage_v)}, or null
     * @param detail what is wrong
     */
    public RunFormatException(final String source, final long line, final String column, final String detail) {
        super(source + (line > 0 ? " line " + line : "") + (column != null ? ", column " + column : "") + ": " + detail);
        this.source = source;
        this.line = line;
        this.column = column;
    }

    public String source() {
        return source;
    }

    /** 1-based line number, 0 when the problem is not on one line. */
    public long line() {
        return line;
    }

    /** The column, as {@code 2 (voltage_v)}, or null. */
    public String column() {
        return column;
    }
}
