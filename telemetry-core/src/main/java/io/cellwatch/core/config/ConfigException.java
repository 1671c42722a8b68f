package io.cellwatch.core.config;

/** A setting is missing, unknown or invalid; the message names the key and the value. Fatal at start-up. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(final String message) {
        super(message);
    }
}
