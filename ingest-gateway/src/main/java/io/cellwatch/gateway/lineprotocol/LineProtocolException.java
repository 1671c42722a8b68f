package io.cellwatch.gateway.lineprotocol;

/** A request body that is not valid line protocol, or does not map onto samples; names the line and the problem. */
public final class LineProtocolException extends Exception {
    private static final long serialVersionUID = 1L;
    private final int line;

    public LineProtocolException(final int line, final String message) {
        super("line " + line + ": " + message);
        this.line = line;
    }

    public int line() {
        return line;
    }
}
