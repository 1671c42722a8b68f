package io.cellwatch.rig;

/** Callbacks from a {@link RigClient}, on its reader or reconnect thread. Keep them short. */
public interface RigListener {
    /**
     * A COMMAND arrived. Unless {@link RigClientOptions#manualCommandAcks()} is set, the client answers COMMAND_ACK
     * after this returns; with it set, the rig answers by calling {@link RigClient#acknowledgeCommand(String)}.
     */
    default void onCommand(final ReceivedCommand command) {
    }

    /**
     * The gateway sent a COMMAND again (same alert id) because it has no COMMAND_ACK yet; the rig already got it
     * through {@link #onCommand} and should not act twice. The client answers the repeat itself once the command is
     * acknowledged. For logging and tests.
     */
    default void onCommandRepeated(final ReceivedCommand command) {
    }

    /** The gateway acknowledged every sequenced frame up to {@code sequence}. */
    default void onAck(final long sequence) {
    }

    /** The gateway sent ERROR and will close the connection. */
    default void onError(final int code, final String message) {
    }

    /** The connection ended (cause null for a clean close by this side). */
    default void onDisconnected(final Throwable cause) {
    }

    /**
     * Nothing at all arrived from the gateway for three heartbeat intervals (docs/protocol.md, section 3, timing
     * contract): CellWatch no longer supervises this rig and no stop command can reach it. A rig running an
     * unattended test goes to its safe state now. The client then closes the connection ({@link #onDisconnected}
     * follows) and, with automatic reconnect on, reconnects with back-off.
     *
     * @param silentMillis how long the gateway has been silent (three heartbeat intervals)
     */
    default void onGatewaySilent(final long silentMillis) {
    }

    /**
     * The automatic reconnect succeeded at attempt {@code attempt} (1 for the first after the break) and resent
     * {@code resentFrames} frames (channel declarations and unacknowledged frames).
     */
    default void onConnectionRestored(final int attempt, final int resentFrames) {
    }

    /** Automatic reconnect attempt {@code attempt} failed; the next follows after {@code nextDelayMillis}. */
    default void onReconnectAttemptFailed(final int attempt, final Throwable cause, final long nextDelayMillis) {
    }

    /**
     * The automatic reconnect gave up because the gateway refused this rig with an ERROR that reconnecting cannot
     * fix (see {@link RigClient#reconnectCanHelp(int)}); an operator or a fix of the rig is needed.
     */
    default void onReconnectAbandoned(final int errorCode, final String message) {
    }
}
