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
        final long firstSentNanos;
        long lastSentNanos;
        int attempts = 1;
        boolean escalated;

        Pending(final Alert alert, final long nowNanos) {
            this.alert = alert;
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

    synchronized void sent(final Alert alert, final long nowNanos) {
        if (pending.containsKey(alert.alertId())) {
            return;
        }
        pending.put(alert.alertId(), new Pending(alert, nowNanos));
        if (pending.size() > MAX_PENDING) {
            final Iterator<String> oldest = pending.keySet().iterator();
            oldest.next();
            oldest.remove();
            dropped++;
        }
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
