package io.cellwatch.gateway.metrics;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;
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
    /** Rig sessions past HELLO (connectionsActive also counts sockets that never introduced themselves). */
    public final LongAdder rigsConnected = new LongAdder();
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
    public final LongAdder lineProtocolTcpPointsIn = new LongAdder();
    public final LongAdder lineProtocolTcpConnectionsActive = new LongAdder();
    public final LongAdder commandsHeld = new LongAdder();
    public final LongAdder commandsHeldDelivered = new LongAdder();
    public final LongAdder commandsHeldExpired = new LongAdder();
    /** Alert read from the alerts topic by this gateway -> its COMMAND written to the rig's socket (first send). */
    public final LatencyHistogram commandDispatchLatency = new LatencyHistogram("command_dispatch_seconds",
        "alert read by this gateway to its COMMAND written to the rig socket (first send)");
    /** COMMAND written (first send) -> COMMAND_ACK received, both on the gateway's clock. */
    public final LatencyHistogram commandAckLatency = new LatencyHistogram("command_ack_seconds",
        "COMMAND written to the rig socket (first send) to COMMAND_ACK received");
    /** Rig sample time of the triggering sample -> COMMAND_ACK received: mixes the rig's clock and the gateway's. */
    public final LatencyHistogram sampleToAckLatency = new LatencyHistogram("command_sample_to_ack_seconds",
        "rig time of the triggering sample to COMMAND_ACK received on the gateway clock (includes rig clock offset)");
    /** A record handed to the Kafka producer -> its completion callback (stored or failed), every record. */
    public final LatencyHistogram kafkaSendLatency = new LatencyHistogram("kafka_send_seconds",
        "record handed to the Kafka producer to its completion callback (stored or failed)");
    private final Map<LineRejection, LongAdder> linesRejected = new EnumMap<>(LineRejection.class);
    private final Map<String, LongSupplier> suppliers = new ConcurrentSkipListMap<>();
    /** Families that are gauges (go up and down); every other family is a counter. */
    private final Set<String> gaugeFamilies = new ConcurrentSkipListSet<>(Set.of("connections_active",
        "rigs_connected", "line_protocol_tcp_connections_active"));
    private final Map<ErrorCode, LongAdder> rejected = new EnumMap<>(ErrorCode.class);
    /** Counters with one label, e.g. {@code connections_closed{reason=incomplete_frame}}, in name order. */
    private final Map<String, LongAdder> labeled = new ConcurrentSkipListMap<>();

    public GatewayMetrics() {
        for (ErrorCode c : ErrorCode.values()) {
            rejected.put(c, new LongAdder());
        }
        for (LineRejection r : LineRejection.values()) {
            linesRejected.put(r, new LongAdder());
        }
    }

    /** Why a raw-TCP line-protocol line was not stored. */
    public enum LineRejection {
        /** not line protocol (the parser refused it); skipped, the connection stays open */
        INVALID_LINE,
        /** parsed, but does not map onto a sample (no channel tag, no voltage, unknown procedure); skipped */
        UNMAPPABLE,
        /** stamped more than gateway.max-future-skew-ms ahead of the gateway's clock; skipped */
        TIMESTAMP_IN_FUTURE,
        /** longer than gateway.line-protocol-tcp-max-line-length; the connection is closed */
        LINE_TOO_LONG,
        /** bytes after the last newline when the connection closed; dropped */
        TRUNCATED,
        /** Kafka did not take the batch (after the producer's delivery timeout); the connection is closed */
        STORAGE_UNAVAILABLE
    }

    /** Counts raw-TCP line-protocol lines not stored, by reason. */
    public void lineRejected(final LineRejection reason, final long lines) {
        linesRejected.get(reason).add(lines);
    }

    public long linesRejectedCount(final LineRejection reason) {
        return linesRejected.get(reason).sum();
    }

    /** The latency histograms, rendered after the counters on /metrics. */
    public List<LatencyHistogram> histograms() {
        return List.of(commandDispatchLatency, commandAckLatency, sampleToAckLatency, kafkaSendLatency);
    }

    /** The histograms in the Prometheus text format (appended to the counters by the /metrics endpoint). */
    public String histogramsText() {
        final StringBuilder b = new StringBuilder(2048);
        for (LatencyHistogram h : histograms()) {
            h.appendPrometheus(b);
        }
        return b.toString();
    }

    /** Registers a value read at snapshot time that goes up and down (e.g. the live feed's client count). */
    public void gauge(final String name, final LongSupplier value) {
        gaugeFamilies.add(name);
        suppliers.put(name, value);
    }

    /** Registers a count kept elsewhere, read at snapshot time (e.g. the live feed's skipped ticks). */
    public void counter(final String name, final LongSupplier value) {
        suppliers.put(name, value);
    }

    /** True if the family (a {@link #snapshot()} key without its label) is a gauge, false for a counter. */
    public boolean isGauge(final String family) {
        return gaugeFamilies.contains(family);
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
        m.put("rigs_connected", rigsConnected.sum());
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
        m.put("line_protocol_tcp_points_in", lineProtocolTcpPointsIn.sum());
        m.put("line_protocol_tcp_connections_active", lineProtocolTcpConnectionsActive.sum());
        m.put("commands_held", commandsHeld.sum());
        m.put("commands_held_delivered", commandsHeldDelivered.sum());
        m.put("commands_held_expired", commandsHeldExpired.sum());
        m.put("command_sample_time_ahead", sampleToAckLatency.negativeCount());
        suppliers.forEach((name, g) -> m.put(name, g.getAsLong()));
        labeled.forEach((name, c) -> m.put(name, c.sum()));
        for (Map.Entry<ErrorCode, LongAdder> e : rejected.entrySet()) {
            if (e.getKey() != ErrorCode.OK) {
                m.put("frames_rejected{reason=" + e.getKey().name().toLowerCase() + "}", e.getValue().sum());
            }
        }
        for (Map.Entry<LineRejection, LongAdder> e : linesRejected.entrySet()) {
            m.put("line_protocol_tcp_lines_rejected{reason=" + e.getKey().name().toLowerCase() + "}",
                e.getValue().sum());
        }
        return m;
    }
}
