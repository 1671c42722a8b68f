package io.cellwatch.gateway.command;

import io.cellwatch.core.alert.Alert;

/** A live rig connection that can receive COMMAND frames for the channels it declared. */
public interface CommandTarget {
    /** Sends a COMMAND for the alert's channel. Thread-safe: called from the command consumer's thread. */
    void sendCommand(Alert alert);

    /** The authenticated rig id of the connection. */
    String rigId();

    /** Whether the connection is still open. */
    boolean isActive();

    /** A newer connection of the same rig took this one's channels over: close this one. Thread-safe. */
    void supersede();
}
