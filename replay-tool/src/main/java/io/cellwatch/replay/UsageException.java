package io.cellwatch.replay;

/** Bad command-line arguments; the message names the option and the value. Exit code {@link ExitCode#BAD_INPUT}. */
public final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(final String message) {
        super(message);
    }
}
