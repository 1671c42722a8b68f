package io.cellwatch.gateway.command;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import io.cellwatch.core.alert.Alert;
import io.cellwatch.gateway.metrics.GatewayMetrics;

/**
 * Knows which connection owns each channel id and delivers each alert to it once. The alert path is
 * at-least-once (the gateway reads alerts before the job's transaction commits, for latency), so repeats of an
 * alert id are dropped here; rigs also see the deterministic id and can ignore a repeat that slips through, e.g.
 * after a gateway restart.
 */
public final class CommandRouter {
    /** How many recently delivered alert ids are remembered for de-duplication. */
    static final int REMEMBERED_ALERTS = 100_000;

    private final Map<String, CommandTarget> owners = new ConcurrentHashMap<>();
    private final Map<String, Boolean> delivered = new LinkedHashMap<>(1024, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(final Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED_ALERTS;
        }
    };
    private final GatewayMetrics metrics;
    private final Consumer<Alert> onNewAlert;

    public CommandRouter(final GatewayMetrics metrics) {
        this(metrics, alert -> { });
    }

    /** @param onNewAlert told of every alert id the first time it is seen, delivered or not (the channel board) */
    public CommandRouter(final GatewayMetrics metrics, final Consumer<Alert> onNewAlert) {
        this.metrics = metrics;
        this.onNewAlert = onNewAlert;
    }

    /** The newest connection to declare a channel owns it (a rig that reconnects takes its channels over). */
    public void claim(final String channelId, final CommandTarget target) {
        owners.put(channelId, target);
    }

    /** Releases a channel if {@code target} still owns it. */
    public void release(final String channelId, final CommandTarget target) {
        owners.remove(channelId, target);
    }

    public CommandTarget owner(final String channelId) {
        return owners.get(channelId);
    }

    /**
     * Delivers an alert's command to the connection that owns the channel.
     *
     * @return true if it was handed to a connection; false for a repeat or a channel no connection owns (a channel
     *     whose rig is not connected here; with several gateways, the instance holding the rig delivers it)
     */
    public boolean deliver(final Alert alert) {
        synchronized (delivered) {
            if (delivered.containsKey(alert.alertId())) {
                metrics.commandsDuplicate.increment();
                return false;
            }
        }
        synchronized (delivered) {
            delivered.put(alert.alertId(), Boolean.TRUE);
        }
        onNewAlert.accept(alert);
        final CommandTarget target = owners.get(alert.channelId());
        if (target == null) {
            metrics.commandsUndeliverable.increment();
            return false;
        }
        target.sendCommand(alert);
        return true;
    }
}
