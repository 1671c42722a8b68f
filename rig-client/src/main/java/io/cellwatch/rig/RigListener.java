package io.cellwatch.rig;

/** Callbacks from a {@link RigClient}, on its reader thread. Keep them short. */
public interface RigListener {
    /** A COMMAND arrived. The client answers COMMAND_ACK after this returns. */
    default void onCommand(final ReceivedCommand command) {
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
}
