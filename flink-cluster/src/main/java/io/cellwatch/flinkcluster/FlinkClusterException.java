package io.cellwatch.flinkcluster;

/** A standalone Flink cluster did not start, or refused a request; the message carries the relevant log lines. */
public class FlinkClusterException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed, with the log tail or the REST errors
     */
    public FlinkClusterException(String message) {
        super(message);
    }

    /**
     * @param message what failed, with the log tail or the REST errors
     * @param cause   the underlying failure
     */
    public FlinkClusterException(String message, Throwable cause) {
        super(message, cause);
    }
}
