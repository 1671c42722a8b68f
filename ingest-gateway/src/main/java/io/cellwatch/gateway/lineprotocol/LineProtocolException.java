package io.cellwatch.gateway.lineprotocol;

/** A request body that is not valid line protocol, or does not map onto samples; names the line and the problem. */
public final class LineProtocolException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int line;
    private final boolean timestampInFuture;

    public LineProtocolException(final int line, final String message) {
        this(line, message, false);
    }

    private LineProtocolException(final int line, final String message, final boolean timestampInFuture) {
        super("line " + line + ": " + message);
        this.line = line;
        this.timestampInFuture = timestampInFuture;
    }

    /** A point stamped too far ahead of the gateway's clock: counted apart from points that do not map. */
    static LineProtocolException timestampInFuture(final int line, final String message) {
        return new LineProtocolException(line, message, true);
    }

    public boolean timestampInFuture() {
        return timestampInFuture;
    }

    public int line() {
        return line;
    }
}
