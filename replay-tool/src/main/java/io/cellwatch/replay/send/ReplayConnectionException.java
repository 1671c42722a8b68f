package io.cellwatch.replay.send;

/** The connection to the gateway broke and could not be restored within the reconnect attempts allowed. */
public final class ReplayConnectionException extends Exception {
    private static final long serialVersionUID = 1L;

    public ReplayConnectionException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
