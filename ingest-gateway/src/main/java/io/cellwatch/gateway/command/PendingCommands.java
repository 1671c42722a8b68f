package io.cellwatch.gateway.command;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cellwatch.core.alert.Alert;

/**
 * Commands sent to rigs and not yet acknowledged with COMMAND_ACK. A pending command is sent again every resend
 * interval (and at once when its channel's rig reconnects), and escalated once when its deadline passes without an
 * acknowledgement: the rig may not have stopped. Driven by {@link #due(long)} so it can be tested without clocks.
 * Bounded: beyond {@link #MAX_PENDING} the oldest is dropped (counted by the caller).
 */
final class PendingCommands {
    static final int MAX_PENDING = 10_000;

    /** One unacknowledged command. */
    static final class Pending {
        final Alert alert;
        /** When this gateway read the alert (before any hold), for the dispatch latency. */
        final long receivedNanos;
        final long firstSentNanos;
        long lastSentNanos;
        /** When the first COMMAND was written to the socket; 0 until then. */
        long writtenNanos;
        int attempts = 1;
        boolean escalated;

        Pending(final Alert alert, final long receivedNanos, final long nowNanos) {
            this.alert = alert;
            this.receivedNanos = receivedNanos;
            this.firstSentNanos = nowNanos;
            this.lastSentNanos = nowNanos;
        }
    }

    /** What {@link #due} found: commands to send again and commands to escalate. */
    record Due(List<Alert> resend, List<Pending> escalate) { }

    private final long resendIntervalNanos;
    private final long deadlineNanos;
    private final Map<String, Pending> pending = new LinkedHashMap<>();
    private long dropped;

    PendingCommands(final long resendIntervalNanos, final long deadlineNanos) {
        this.resendIntervalNanos = resendIntervalNanos;
        this.deadlineNanos = deadlineNanos;
    }

    synchronized void sent(final Alert alert, final long receivedNanos, final long nowNanos) {
        if (pending.containsKey(alert.alertId())) {
            return;
        }
        pending.put(alert.alertId(), new Pending(alert, receivedNanos, nowNanos));
        if (pending.size() > MAX_PENDING) {
            final Iterator<String> oldest = pending.keySet().iterator();
            oldest.next();
            oldest.remove();
            dropped++;
        }
    }

    /**
     * The COMMAND of a pending alert reached the socket.
     *
     * @return the nanos from reading the alert to this first write, or -1 if it is not the first write (a resend)
     *     or the command is no longer pending
     */
    synchronized long written(final String alertId, final long nowNanos) {
        final Pending p = pending.get(alertId);
        if (p == null || p.writtenNanos != 0) {
            return -1;
        }
        p.writtenNanos = nowNanos;
        return nowNanos - p.receivedNanos;
    }

    /** @return the pending command, or null if unknown (already acknowledged, or never sent from here) */
    synchronized Pending acknowledged(final String alertId) {
        return pending.remove(alertId);
    }

    /** Pending commands of a channel (its rig reconnected: send them again now). */
    synchronized List<Alert> forChannel(final String channelId, final long nowNanos) {
        final List<Alert> out = new ArrayList<>();
        for (Pending p : pending.values()) {
            if (p.alert.channelId().equals(channelId)) {
                p.lastSentNanos = nowNanos;
                p.attempts++;
                out.add(p.alert);
            }
        }
        return out;
    }

    synchronized Due due(final long nowNanos) {
        final List<Alert> resend = new ArrayList<>();
        final List<Pending> escalate = new ArrayList<>();
        for (Pending p : pending.values()) {
            if (nowNanos - p.lastSentNanos >= resendIntervalNanos) {
                p.lastSentNanos = nowNanos;
                p.attempts++;
                resend.add(p.alert);
            }
            if (!p.escalated && nowNanos - p.firstSentNanos >= deadlineNanos) {
                p.escalated = true;
                escalate.add(p);
            }
        }
        return new Due(resend, escalate);
    }

    synchronized int size() {
        return pending.size();
    }

    synchronized long dropped() {
        return dropped;
    }
}
