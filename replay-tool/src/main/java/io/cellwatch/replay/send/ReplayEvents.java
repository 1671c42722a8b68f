package io.cellwatch.replay.send;

/** What a {@link Replayer} reports while it runs, on the replaying thread. Every method does nothing by default. */
public interface ReplayEvents {
    ReplayEvents NONE = new ReplayEvents() {
    };

    /** The connection broke; reconnect attempts follow if any are left. */
    default void onConnectionLost(final Throwable cause) {
    }

    /** Reconnect attempt {@code attempt} (counted over the whole replay) succeeded and resent the unacknowledged frames. */
    default void onReconnected(final int attempt, final int resentFrames) {
    }

    /** Reconnect attempt {@code attempt} failed. */
    default void onReconnectFailed(final int attempt, final Throwable cause) {
    }
}
