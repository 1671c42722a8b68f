package io.cellwatch.gateway.metrics;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import io.cellwatch.core.codec.ErrorCode;

/**
 * The gateway's counters. Cheap to bump from any thread (LongAdder); nothing is logged per sample, it is counted
 * here instead. A Prometheus endpoint will expose {@link #snapshot()}.
 */
public final class GatewayMetrics {
    public final LongAdder connectionsOpened = new LongAdder();
    public final LongAdder connectionsActive = new LongAdder();
    public final LongAdder framesIn = new LongAdder();
    public final LongAdder samplesIn = new LongAdder();
    public final LongAdder recordsSent = new LongAdder();
    public final LongAdder recordsAcknowledged = new LongAdder();
    public final LongAdder recordsFailed = new LongAdder();
    public final LongAdder acksSent = new LongAdder();
    public final LongAdder backpressurePauses = new LongAdder();
    public final LongAdder commandsSent = new LongAdder();
    public final LongAdder commandsAcknowledged = new LongAdder();
    public final LongAdder commandsUndeliverable = new LongAdder();
    public final LongAdder commandsDuplicate = new LongAdder();
    public final LongAdder commandsResent = new LongAdder();
    public final LongAdder commandsEscalated = new LongAdder();
    public final LongAdder alertsMalformed = new LongAdder();
    public final LongAdder silentRigsDisconnected = new LongAdder();
    public final LongAdder lineProtocolPointsIn = new LongAdder();
    public final LongAdder lineProtocolRequestsRejected = new LongAdder();
    private final Map<String, LongSupplier> gauges = new ConcurrentSkipListMap<>();
    private final Map<ErrorCode, LongAdder> rejected = new EnumMap<>(ErrorCode.class);
    /** Counters with one label, e.g. {@code connections_closed{reason=incomplete_frame}}, in name order. */
    private final Map<String, LongAdder> labeled = new ConcurrentSkipListMap<>();

    public GatewayMetrics() {
        for (ErrorCode c : ErrorCode.values()) {
            rejected.put(c, new LongAdder());
        }
    }

    /** Registers a value read at snapshot time (e.g. the live feed's client count). */
    public void gauge(final String name, final LongSupplier value) {
        gauges.put(name, value);
    }

    /**
     * A counter with one label, created on first use; callers keep the returned adder so the hot path does no
     * lookup. Shown as {@code name{label="value"}} on /metrics.
     */
    public LongAdder labeled(final String name, final String label, final String value) {
        return labeled.computeIfAbsent(name + "{" + label + "=" + value + "}", k -> new LongAdder());
    }

    /** Counts a rejection (an ERROR frame sent) by reason. */
    public void rejected(final ErrorCode reason) {
        rejected.get(reason).increment();
    }

    public long rejectedCount(final ErrorCode reason) {
        return rejected.get(reason).sum();
    }

    /** All counters by name, for logs, the metrics endpoint and tests. */
    public Map<String, Long> snapshot() {
        final Map<String, Long> m = new LinkedHashMap<>();
        m.put("connections_opened", connectionsOpened.sum());
        m.put("connections_active", connectionsActive.sum());
        m.put("frames_in", framesIn.sum());
        m.put("samples_in", samplesIn.sum());
        m.put("records_sent", recordsSent.sum());
        m.put("records_acknowledged", recordsAcknowledged.sum());
        m.put("records_failed", recordsFailed.sum());
        m.put("acks_sent", acksSent.sum());
        m.put("backpressure_pauses", backpressurePauses.sum());
        m.put("commands_sent", commandsSent.sum());
        m.put("commands_acknowledged", commandsAcknowledged.sum());
        m.put("commands_undeliverable", commandsUndeliverable.sum());
        m.put("commands_duplicate", commandsDuplicate.sum());
        m.put("commands_resent", commandsResent.sum());
        m.put("commands_escalated", commandsEscalated.sum());
        m.put("alerts_malformed", alertsMalformed.sum());
        m.put("silent_rigs_disconnected", silentRigsDisconnected.sum());
        m.put("line_protocol_points_in", lineProtocolPointsIn.sum());
        m.put("line_protocol_requests_rejected", lineProtocolRequestsRejected.sum());
        gauges.forEach((name, g) -> m.put(name, g.getAsLong()));
        labeled.forEach((name, c) -> m.put(name, c.sum()));
        for (Map.Entry<ErrorCode, LongAdder> e : rejected.entrySet()) {
            if (e.getKey() != ErrorCode.OK) {
                m.put("frames_rejected{reason=" + e.getKey().name().toLowerCase() + "}", e.getValue().sum());
            }
        }
        return m;
    }
}
