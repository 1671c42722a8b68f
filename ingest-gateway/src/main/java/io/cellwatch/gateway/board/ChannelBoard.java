package io.cellwatch.gateway.board;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import io.cellwatch.core.alert.Alert;
import io.cellwatch.core.alert.AlertClass;
import io.cellwatch.core.codec.SamplesFlyweight;
import io.cellwatch.core.evaluation.DataQualityRules;
import io.cellwatch.core.model.ChannelDeclaration;
import io.cellwatch.core.rules.RuleParameters;

/**
 * The live picture of every channel this gateway has seen, and the recent alerts, for the REST API and the
 * dashboard's live feed. Updated by the rig sessions (declarations, samples, connection state) and the alert
 * consumer; read by HTTP handlers. In memory: a restarted gateway rebuilds it as rigs reconnect and alerts arrive.
 */
public final class ChannelBoard {
    /** Alerts kept for the feed and the REST history. */
    public static final int RECENT_ALERTS = 1000;
    /** A channel whose last data is older than this shows as silent. */
    public static final long SILENT_AFTER_MILLIS = 10_000;

    private final Map<String, ChannelView> channels = new ConcurrentHashMap<>();
    private final ArrayDeque<AlertView> alerts = new ArrayDeque<>();
    private final Map<String, AlertView> alertsById = new LinkedHashMap<>();
    private final List<Consumer<AlertView>> alertListeners = new CopyOnWriteArrayList<>();
    /**
     * One change counter for the whole board (not one per channel): a channel's version is the clock value of its
     * latest change, so "changed since version N" means the same thing for every channel.
     */
    private final AtomicLong clock = new AtomicLong();

    private ChannelView view(final String channelId) {
        return channels.computeIfAbsent(channelId, ChannelView::new);
    }

    /**
     * A rig declared a channel on a connection.
     *
     * @return the channel's view, a handle for {@link #samples(ChannelView, SamplesFlyweight, long)}
     */
    public ChannelView declared(final ChannelDeclaration d, final String rigId, final RuleParameters p) {
        final ChannelView v = view(d.channelId());
        synchronized (v) {
            v.rigId = rigId;
            v.cellSerial = d.cellSerial();
            v.lot = d.lot();
            v.procedure = d.procedureId() + "@" + d.procedureVersion();
            v.limits.clear();
            if (p.upperChargeVoltageEnabled) {
                v.limits.put("upperChargeVoltage", p.upperChargeVoltageLimit);
            }
            if (p.voltageDropEnabled) {
                v.limits.put("voltageDrop", p.voltageDropThreshold);
            }
            if (p.temperatureReturnEnabled) {
                v.limits.put("temperatureReturnFraction", p.temperatureReturnFraction);
            }
            v.connected = true;
            v.version = clock.incrementAndGet();
        }
        return v;
    }

    /** The connection holding a channel closed. */
    public void disconnected(final String channelId) {
        final ChannelView v = channels.get(channelId);
        if (v != null) {
            synchronized (v) {
                v.connected = false;
                v.version = clock.incrementAndGet();
            }
        }
    }

    /** A SAMPLES frame passed through the gateway (runs on the rig's event loop, allocation-free). */
    public void samples(final String channelId, final SamplesFlyweight f, final long wallMillis) {
        if (f.sampleCount() != 0) {
            samples(view(channelId), f, wallMillis);
        }
    }

    /**
     * The same, for a channel whose view the session kept from {@link #declared} (the board never drops a view, so
     * the handle stays valid and the per-frame map lookup is saved).
     */
    public void samples(final ChannelView v, final SamplesFlyweight f, final long wallMillis) {
        samples(v, f, new SamplesFrameScan().scan(f), wallMillis);
    }

    /**
     * The same, with the frame already scanned by the caller ({@code scan} must come from this frame), so the rig
     * session's one pass over the samples serves both its own checks and the board.
     */
    public void samples(final ChannelView v, final SamplesFlyweight f, final SamplesFrameScan scan,
                        final long wallMillis) {
        final int n = f.sampleCount();
        if (n == 0) {
            return;
        }
        synchronized (v) {
            // once per frame, not per sample: the history keeps per 500 ms bucket only min/max voltage and the
            // last current and temperatures, and a frame's samples all land in the bucket of its receive time
            v.addFrame(wallMillis, f, n, scan);
            final int last = n - 1;
            final int flags = f.flags(last);
            v.voltage = f.voltage(last);
            v.current = f.current(last);
            v.cellTemperature = f.cellTemperature(last, flags);
            v.ambientTemperature = f.ambientTemperature(last, flags);
            v.force = f.force(last, flags);
            v.lastSeenMillis = wallMillis;
            v.silentAlert = false;
            v.version = clock.incrementAndGet();
        }
    }

    /** An alert arrived from the job (each id once: the command router has de-duplicated it). */
    public void alert(final Alert a) {
        final AlertView av;
        synchronized (alerts) {
            if (alertsById.containsKey(a.alertId())) {
                return;
            }
            av = new AlertView(a, nowMicros());
            alerts.addFirst(av);
            alertsById.put(a.alertId(), av);
            while (alerts.size() > RECENT_ALERTS) {
                alertsById.remove(alerts.removeLast().alert.alertId());
            }
        }
        final ChannelView v = view(a.channelId());
        synchronized (v) {
            if (a.alertClass() == AlertClass.SAFETY) {
                v.safetyAlert = true;
            } else if (a.alertClass() == AlertClass.PROCEDURE) {
                v.stopConditionMet = true;
            } else if (DataQualityRules.SILENT.equals(a.rule())) {
                v.silentAlert = true;
            }
            if (v.rigId == null) {
                v.rigId = a.rigId();
                v.cellSerial = a.cellSerial();
                v.lot = a.lot();
                v.procedure = a.procedureId() + "@" + a.procedureVersion();
            }
            v.version = clock.incrementAndGet();
        }
        alertListeners.forEach(l -> l.accept(av));
    }

    public void commandSent(final String alertId) {
        update(alertId, av -> {
            if (av.commandSentAtMicros == 0) {
                av.commandSentAtMicros = nowMicros(); // the first send: resends do not move the latency
            }
        });
    }

    public void commandAcknowledged(final String alertId) {
        update(alertId, av -> av.commandAckedAtMicros = nowMicros());
    }

    /**
     * An operator acknowledged an alert.
     *
     * @return false if the alert is unknown (too old or never seen here)
     */
    public boolean acknowledge(final String alertId, final String user, final String comment) {
        final AlertView av;
        synchronized (alerts) {
            av = alertsById.get(alertId);
            if (av == null) {
                return false;
            }
            av.acknowledgedBy = user;
            av.ackComment = comment;
            av.acknowledgedAtMicros = nowMicros();
        }
        final ChannelView v = channels.get(av.alert.channelId());
        if (v != null && av.alert.alertClass() == AlertClass.SAFETY) {
            synchronized (v) {
                v.safetyAlert = hasUnacknowledgedSafetyAlert(v.channelId);
                v.stopConditionMet = true;
                v.version = clock.incrementAndGet();
            }
        }
        alertListeners.forEach(l -> l.accept(av));
        return true;
    }

    private boolean hasUnacknowledgedSafetyAlert(final String channelId) {
        synchronized (alerts) {
            for (AlertView av : alerts) {
                if (av.alert.channelId().equals(channelId) && av.alert.alertClass() == AlertClass.SAFETY
                    && av.acknowledgedBy == null) {
                    return true;
                }
            }
        }
        return false;
    }

    private void update(final String alertId, final Consumer<AlertView> change) {
        final AlertView av;
        synchronized (alerts) {
            av = alertsById.get(alertId);
            if (av == null) {
                return;
            }
            change.accept(av);
        }
        alertListeners.forEach(l -> l.accept(av));
    }

    /** Listens to new and changed alerts (the live feed). */
    public void onAlert(final Consumer<AlertView> listener) {
        alertListeners.add(listener);
    }

    /** Every channel as a JSON-ready map, sorted by channel id. */
    public List<Map<String, Object>> channelSnapshots(final long sinceVersion) {
        final long now = System.currentTimeMillis();
        final List<Map<String, Object>> out = new ArrayList<>();
        final List<ChannelView> sorted = new ArrayList<>(channels.values());
        sorted.sort(Comparator.comparing(v -> v.channelId));
        for (ChannelView v : sorted) {
            synchronized (v) {
                if (v.version > sinceVersion) {
                    out.add(snapshot(v, now));
                }
            }
        }
        return out;
    }

    /**
     * The board's change counter: every channel changed after this value was read has a higher version, so a feed
     * reads it, then sends {@link #channelSnapshots(long) the channels changed since} the value it read last time.
     */
    public long version() {
        return clock.get();
    }

    /**
     * Gives a new version to every channel whose state changed with the passing of time alone (its data became
     * older than {@link #SILENT_AFTER_MILLIS}), so that a feed sending only changed channels also sends those.
     * Called by the feed before each tick.
     */
    public void noticeSilence(final long nowMillis) {
        for (ChannelView v : channels.values()) {
            synchronized (v) {
                final boolean silent = v.lastSeenMillis > 0 && nowMillis - v.lastSeenMillis > SILENT_AFTER_MILLIS;
                if (silent != v.silentByTime) {
                    v.silentByTime = silent;
                    v.version = clock.incrementAndGet();
                }
            }
        }
    }

    /** One channel with its decimated history, or null. */
    public Map<String, Object> channelWithHistory(final String channelId) {
        final ChannelView v = channels.get(channelId);
        if (v == null) {
            return null;
        }
        synchronized (v) {
            final Map<String, Object> m = snapshot(v, System.currentTimeMillis());
            m.put("history", v.history());
            return m;
        }
    }

    private static Map<String, Object> snapshot(final ChannelView v, final long now) {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("channelId", v.channelId);
        m.put("rigId", v.rigId);
        m.put("cellSerial", v.cellSerial);
        m.put("lot", v.lot);
        m.put("procedure", v.procedure);
        m.put("state", v.state(now, SILENT_AFTER_MILLIS));
        m.put("connected", v.connected);
        m.put("lastSeenMillis", v.lastSeenMillis);
        m.put("voltage", finite(v.voltage));
        m.put("current", finite(v.current));
        m.put("cellTemperature", finite(v.cellTemperature));
        m.put("ambientTemperature", finite(v.ambientTemperature));
        m.put("force", finite(v.force));
        m.put("limits", new LinkedHashMap<>(v.limits));
        m.put("point", v.latestPoint());
        m.put("version", v.version);
        return m;
    }

    /** Recent alerts, newest first, as JSON-ready maps. */
    public List<Map<String, Object>> alerts(final int limit) {
        final List<Map<String, Object>> out = new ArrayList<>();
        synchronized (alerts) {
            final Iterator<AlertView> it = alerts.iterator();
            while (it.hasNext() && out.size() < limit) {
                out.add(toMap(it.next()));
            }
        }
        return out;
    }

    /** One alert view as a JSON-ready map. */
    public static Map<String, Object> toMap(final AlertView av) {
        final Alert a = av.alert;
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("alertId", a.alertId());
        m.put("channelId", a.channelId());
        m.put("rigId", a.rigId());
        m.put("cellSerial", a.cellSerial());
        m.put("lot", a.lot());
        m.put("procedure", a.procedureId() + "@" + a.procedureVersion());
        m.put("rule", a.rule());
        m.put("alertClass", a.alertClass().name());
        m.put("action", a.action().name());
        m.put("trigger", a.trigger());
        m.put("sampleTimeMicros", a.sampleTimeMicros());
        m.put("value", finite(a.value()));
        m.put("reference", finite(a.reference()));
        m.put("threshold", finite(a.threshold()));
        m.put("unit", a.unit());
        m.put("reason", a.reason());
        m.put("detectedAtMicros", a.detectedAtMicros());
        m.put("receivedAtMicros", av.receivedAtMicros);
        m.put("detectionLatencyMillis", (a.detectedAtMicros() - a.sampleTimeMicros()) / 1000.0);
        m.put("commandSentAtMicros", av.commandSentAtMicros == 0 ? null : av.commandSentAtMicros);
        m.put("commandLatencyMillis", av.commandSentAtMicros == 0 ? null
            : (av.commandSentAtMicros - a.sampleTimeMicros()) / 1000.0);
        m.put("commandAckedAtMicros", av.commandAckedAtMicros == 0 ? null : av.commandAckedAtMicros);
        m.put("acknowledgedBy", av.acknowledgedBy);
        m.put("ackComment", av.ackComment);
        m.put("acknowledgedAtMicros", av.acknowledgedAtMicros == 0 ? null : av.acknowledgedAtMicros);
        return m;
    }

    /** JSON number for a reading: null when absent, rounded to 1e-6 (values are f32; more digits are noise). */
    private static Double finite(final double v) {
        return Double.isFinite(v) ? Math.round(v * 1e6) / 1e6 : null;
    }

    private static long nowMicros() {
        return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
    }
}
