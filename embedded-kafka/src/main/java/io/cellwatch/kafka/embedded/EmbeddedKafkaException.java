package io.cellwatch.kafka.embedded;

/**
 * The embedded broker could not be prepared, started or stopped; the message says why and, for a broker that
 * died or never became ready, ends with the last lines of the broker's log.
 */
public class EmbeddedKafkaException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong, including the log tail where there is one
     */
    public EmbeddedKafkaException(String message) {
        super(message);
    }

    /**
     * Creates the exception.
     *
     * @param message what went wrong, including the log tail where there is one
     * @param cause   the underlying failure
     */
    public EmbeddedKafkaException(String message, Throwable cause) {
        super(message, cause);
    }
}
