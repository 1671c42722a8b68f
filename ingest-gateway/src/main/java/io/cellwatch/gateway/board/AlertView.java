package io.cellwatch.gateway.board;

import io.cellwatch.core.alert.Alert;

/**
 * An alert as screens show it: the alert record plus what happened to it here: when the command reached the rig,
 * when the rig acknowledged it, and who acknowledged the alert with which comment.
 */
public final class AlertView {
    final Alert alert;
    final long receivedAtMicros;
    long commandSentAtMicros;
    long commandAckedAtMicros;
    String acknowledgedBy;
    String ackComment;
    long acknowledgedAtMicros;

    AlertView(final Alert alert, final long receivedAtMicros) {
        this.alert = alert;
        this.receivedAtMicros = receivedAtMicros;
    }

    public Alert alert() {
        return alert;
    }
}
