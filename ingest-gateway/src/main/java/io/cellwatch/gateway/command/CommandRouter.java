package io.cellwatch.gateway.command;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
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
 * <p>An alert for a channel that no connection here holds is kept for the hold window ({@link HeldAlerts}) and sent
 * if the rig declares the channel here within it: a rig between gateways still gets its stop command.
 *
 * <p>Latency is recorded per command in {@link GatewayMetrics}: alert record received from Kafka -> first COMMAND
 * written to the socket (its write completed), first write -> COMMAND_ACK, and the triggering sample's rig time ->
 * COMMAND_ACK.
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
    private final HeldAlerts held;
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
        this(metrics, onNewAlert, escalations, resendMillis, deadlineMillis, 0);
    }

    /**
     * @param holdMillis how long an alert for a channel held by no connection here waits for its rig; 0 = not at all
     */
    public CommandRouter(final GatewayMetrics metrics, final Consumer<Alert> onNewAlert,
                         final Consumer<Alert> escalations, final long resendMillis, final long deadlineMillis,
                         final long holdMillis) {
        this.held = new HeldAlerts(TimeUnit.MILLISECONDS.toNanos(holdMillis));
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
        synchronized (held) {
            metrics.commandsHeldExpired.add(held.expire(nowNanos));
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
        final long now = System.nanoTime();
        for (Alert a : pending.forChannel(channelId, now)) {
            metrics.commandsResent.increment();
            target.sendCommand(a); // the rig reconnected before acknowledging: send again now
        }
        final List<HeldAlerts.Held> waiting;
        synchronized (held) { // after owners.put: deliver() either sees the owner or held the alert before this
            waiting = held.take(channelId, now);
        }
        for (HeldAlerts.Held h : waiting) {
            metrics.commandsHeldDelivered.increment();
            pending.sent(h.alert(), h.receivedNanos(), now);
            target.sendCommand(h.alert()); // the rig arrived here after its alert did
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

    /**
     * A connection wrote an alert's COMMAND to its socket; the first write of a pending command records the
     * dispatch latency (resends do not move it). Thread-safe.
     */
    public void written(final String alertId) {
        final long nanos = pending.written(alertId, System.nanoTime());
        if (nanos >= 0) {
            metrics.commandDispatchLatency.record(TimeUnit.NANOSECONDS.toMicros(nanos));
        }
    }

    /**
     * The rig acknowledged a command; records the ack latencies. Returns false if it was not pending (a repeat, or
     * sent before a restart or by another gateway): those are not recorded, as their send time is unknown here.
     */
    public boolean acknowledged(final String alertId) {
        final long now = System.nanoTime();
        final PendingCommands.Pending p = pending.acknowledged(alertId);
        if (p == null) {
            return false;
        }
        final long sentNanos = p.writtenNanos != 0 ? p.writtenNanos : p.firstSentNanos;
        metrics.commandAckLatency.record(TimeUnit.NANOSECONDS.toMicros(now - sentNanos));
        metrics.sampleToAckLatency.record(ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now())
            - p.alert.sampleTimeMicros());
        return true;
    }

    /** Alerts waiting for their rig to declare the channel here. */
    public int heldCount() {
        synchronized (held) {
            return held.size();
        }
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
        return deliver(alert, System.nanoTime());
    }

    /**
     * The same, for an alert the consumer received at {@code receivedNanos} ({@link System#nanoTime()}, taken when
     * the poll returned it), so the dispatch latency also covers parsing it, de-duplicating it and updating the board.
     */
    public boolean deliver(final Alert alert, final long receivedNanos) {
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
        final long now = System.nanoTime();
        final CommandTarget target;
        synchronized (held) {
            target = owners.get(alert.channelId());
            if (target == null) {
                metrics.commandsUndeliverable.increment();
                if (held.enabled()) {
                    metrics.commandsHeld.increment();
                    if (!held.hold(alert, receivedNanos)) {
                        metrics.commandsHeldExpired.increment(); // the oldest held alert made room
                    }
                }
                return false;
            }
        }
        pending.sent(alert, receivedNanos, now);
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
