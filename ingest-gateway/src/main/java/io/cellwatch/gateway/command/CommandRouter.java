package io.cellwatch.gateway.command;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.cellwatch.core.alert.Alert;
import io.cellwatch.core.alert.AlertClass;
import io.cellwatch.core.alert.AlertIds;
import io.cellwatch.core.alert.StopAction;
import io.cellwatch.gateway.metrics.GatewayMetrics;

/**
 * Knows which connection owns each channel id, delivers each alert's command to it, and keeps sending it until the
 * rig acknowledges it. The alert path is at-least-once (the gateway reads alerts before the job's transaction
 * commits, for latency), so repeats of an alert id are dropped here; rigs also see the deterministic id and ignore a
 * repeat that slips through, e.g. after a gateway restart.
 *
 * <p>A command not acknowledged within the deadline is escalated once: an alert of its own,
 * {@value #ESCALATION_RULE}, goes to the alerts topic (the durable record, and every screen), because the rig may
 * not have stopped. Alerts of rules starting with {@code gateway/} are never turned into commands.
 */
public final class CommandRouter implements AutoCloseable {
    /** How many recently delivered alert ids are remembered for de-duplication. */
    static final int REMEMBERED_ALERTS = 100_000;
    /** Rule id of the escalation alert. */
    public static final String ESCALATION_RULE = "gateway/command-unacknowledged";

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
    private final Consumer<Alert> escalations;
    private final PendingCommands pending;
    private ScheduledExecutorService ticker;

    /** A router without resends (unit tests of the sessions). */
    public CommandRouter(final GatewayMetrics metrics) {
        this(metrics, alert -> { });
    }

    public CommandRouter(final GatewayMetrics metrics, final Consumer<Alert> onNewAlert) {
        this(metrics, onNewAlert, alert -> { }, 1_000, 5_000);
    }

    /**
     * @param onNewAlert       told of every alert id the first time it is seen, delivered or not (the channel board)
     * @param escalations      receives escalation alerts (the gateway writes them to the alerts topic)
     * @param resendMillis     interval between sends of an unacknowledged command
     * @param deadlineMillis   time after the first send at which an unacknowledged command is escalated
     */
    public CommandRouter(final GatewayMetrics metrics, final Consumer<Alert> onNewAlert,
                         final Consumer<Alert> escalations, final long resendMillis, final long deadlineMillis) {
        this.metrics = metrics;
        this.onNewAlert = onNewAlert;
        this.escalations = escalations;
        this.pending = new PendingCommands(TimeUnit.MILLISECONDS.toNanos(resendMillis),
            TimeUnit.MILLISECONDS.toNanos(deadlineMillis));
    }

    /** Starts the resend/escalation ticks (every 100 ms). */
    public CommandRouter start() {
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread t = new Thread(r, "command-resender");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleWithFixedDelay(() -> tick(System.nanoTime()), 100, 100, TimeUnit.MILLISECONDS);
        return this;
    }

    /** One resend/escalation round at {@code nowNanos}. */
    void tick(final long nowNanos) {
        final PendingCommands.Due due = pending.due(nowNanos);
        for (Alert a : due.resend()) {
            final CommandTarget target = owners.get(a.channelId());
            if (target != null && target.isActive()) {
                metrics.commandsResent.increment();
                target.sendCommand(a);
            }
        }
        for (PendingCommands.Pending p : due.escalate()) {
            metrics.commandsEscalated.increment();
            escalations.accept(escalation(p, nowNanos));
        }
    }

    private static Alert escalation(final PendingCommands.Pending p, final long nowNanos) {
        final Alert a = p.alert;
        final double waitedSeconds = (nowNanos - p.firstSentNanos) / 1e9;
        final long nowMicros = System.currentTimeMillis() * 1000L;
        return new Alert(AlertIds.of(a.channelId(), ESCALATION_RULE, a.sampleTimeMicros()), a.channelId(), a.rigId(),
            a.cellSerial(), a.lot(), a.procedureId(), a.procedureVersion(), ESCALATION_RULE, AlertClass.DATA_QUALITY,
            StopAction.NOTIFY, a.sampleTimeMicros(), Math.round(waitedSeconds * 1000) / 1000.0, Double.NaN,
            Double.NaN, "s", nowMicros, false, String.format(Locale.ROOT,
                "the rig has not acknowledged the %s command of alert %s (%s) after %.1f s and %d attempts: "
                    + "check the rig, it may not have stopped", a.action(), a.alertId(), a.rule(), waitedSeconds,
                p.attempts), "no-command-ack");
    }

    /**
     * The connection declared the channel. A newer connection of the same rig takes it over (the older one is
     * closed); a live connection of another rig keeps it.
     *
     * @return false if another rig's live connection owns the channel (CHANNEL_CONFLICT)
     */
    public boolean claim(final String channelId, final CommandTarget target) {
        final CommandTarget previous = owners.get(channelId);
        if (previous != null && previous != target && previous.isActive()) {
            if (!previous.rigId().equals(target.rigId())) {
                return false;
            }
            previous.supersede();
        }
        owners.put(channelId, target);
        for (Alert a : pending.forChannel(channelId, System.nanoTime())) {
            metrics.commandsResent.increment();
            target.sendCommand(a); // the rig reconnected before acknowledging: send again now
        }
        return true;
    }

    /** Releases a channel if {@code target} still owns it. */
    public void release(final String channelId, final CommandTarget target) {
        owners.remove(channelId, target);
    }

    public CommandTarget owner(final String channelId) {
        return owners.get(channelId);
    }

    /** The rig acknowledged a command; returns false if it was not pending (a repeat, or sent before a restart). */
    public boolean acknowledged(final String alertId) {
        return pending.acknowledged(alertId) != null;
    }

    /** Commands waiting for COMMAND_ACK. */
    public int pendingCount() {
        return pending.size();
    }

    /**
     * Delivers an alert's command to the connection that owns the channel.
     *
     * @return true if it was handed to a connection; false for a repeat, a gateway's own alert, or a channel no
     *     connection owns here (with several gateways, the instance holding the rig delivers it)
     */
    public boolean deliver(final Alert alert) {
        synchronized (delivered) {
            if (delivered.containsKey(alert.alertId())) {
                metrics.commandsDuplicate.increment();
                return false;
            }
            delivered.put(alert.alertId(), Boolean.TRUE);
        }
        onNewAlert.accept(alert);
        if (alert.rule().startsWith("gateway/")) {
            return false;
        }
        final CommandTarget target = owners.get(alert.channelId());
        if (target == null) {
            metrics.commandsUndeliverable.increment();
            return false;
        }
        pending.sent(alert, System.nanoTime());
        target.sendCommand(alert);
        return true;
    }

    @Override
    public void close() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
    }
}
