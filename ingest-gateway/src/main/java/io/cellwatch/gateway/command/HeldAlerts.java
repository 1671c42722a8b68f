package io.cellwatch.gateway.command;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cellwatch.core.alert.Alert;

/**
 * Alerts that arrived while no connection of this gateway held their channel, kept for a while in case the rig
 * declares the channel here: a rig that lost its gateway reconnects (to this one or another) within seconds, and the
 * stop command must follow it. Every gateway reads every alert, so each keeps its own copy; only the one the rig
 * connects to sends it. Bounded by count and age; driven by explicit times so it can be tested without clocks.
 * Not thread-safe: {@link CommandRouter} guards it.
 */
final class HeldAlerts {
    static final int MAX_HELD = 10_000;

    /** One held alert and when this gateway read it. */
    record Held(Alert alert, long receivedNanos) { }

    private final long holdNanos;
    private final Map<String, Held> byAlertId = new LinkedHashMap<>(); // insertion = arrival order: oldest first

    HeldAlerts(final long holdNanos) {
        this.holdNanos = holdNanos;
    }

    boolean enabled() {
        return holdNanos > 0;
    }

    /** @return false when the oldest had to be dropped to stay within {@link #MAX_HELD} */
    boolean hold(final Alert alert, final long receivedNanos) {
        byAlertId.putIfAbsent(alert.alertId(), new Held(alert, receivedNanos));
        if (byAlertId.size() > MAX_HELD) {
            final Iterator<String> oldest = byAlertId.keySet().iterator();
            oldest.next();
            oldest.remove();
            return false;
        }
        return true;
    }

    /** Removes and returns the unexpired alerts of a channel, oldest first (its rig just declared it here). */
    List<Held> take(final String channelId, final long nowNanos) {
        final List<Held> out = new ArrayList<>();
        for (Iterator<Held> it = byAlertId.values().iterator(); it.hasNext(); ) {
            final Held h = it.next();
            if (h.alert().channelId().equals(channelId)) {
                it.remove();
                if (nowNanos - h.receivedNanos() < holdNanos) {
                    out.add(h);
                }
            }
        }
        return out;
    }

    /** Drops alerts held for the whole window; returns how many. */
    int expire(final long nowNanos) {
        int n = 0;
        for (Iterator<Held> it = byAlertId.values().iterator(); it.hasNext(); ) {
            if (nowNanos - it.next().receivedNanos() < holdNanos) {
                break; // arrival order: the rest are younger
            }
            it.remove();
            n++;
        }
        return n;
    }

    int size() {
        return byAlertId.size();
    }
}
