package io.cellwatch.gateway.kafka;

import java.util.List;
import java.util.Map;

import io.cellwatch.core.config.Settings;

/**
 * How much the gateway may hand Kafka before it stops reading rigs, how much memory the producer gets for it, and
 * when a silent Kafka counts as unreachable. The memory formula is in docs/deploy.md (section 4, sizing).
 *
 * @param maxInFlightBytes    record bytes (envelope + frame) of all rig connections together that Kafka has not yet
 *                            answered for; above it the gateway stops reading the connection that went over, and
 *                            resumes paused connections when completions bring the total down to half
 * @param bufferMemory        the producer's {@code buffer.memory}. Must exceed {@code maxInFlightBytes} by at least
 *                            {@link #MIN_HEADROOM_BYTES}, so that the budget, not a full producer buffer, is what
 *                            holds rigs back: a full buffer would make {@code send()} fail the frame
 * @param unreachableMillis   /health answers 503 when records wait and Kafka has completed none of them for this
 *                            long, or when a send failed within this long and none succeeded since
 */
public record KafkaLimits(int maxInFlightBytes, int bufferMemory, int unreachableMillis) {
    public static final String MAX_IN_FLIGHT_BYTES = "gateway.max-in-flight-bytes";
    public static final String BUFFER_MEMORY = "gateway.kafka-buffer-memory";
    public static final String UNREACHABLE = "gateway.kafka-unreachable-ms";

    /** Every key this config reads. */
    public static final List<String> KEYS = List.of(MAX_IN_FLIGHT_BYTES, BUFFER_MEMORY, UNREACHABLE);

    /**
     * The least room the producer's buffer needs beyond the budget: a few partially filled batches (the producer
     * takes whole {@code batch.size} blocks, 256 KiB here) and the frames decoded from a read after reading stopped.
     */
    public static final int MIN_HEADROOM_BYTES = 1 << 20;

    /** The defaults. */
    public static final KafkaLimits DEFAULTS = from(Settings.of(Map.of()));

    public static KafkaLimits from(final Settings s) {
        final int budget = s.integer(MAX_IN_FLIGHT_BYTES, 32 << 20, 16 << 10, 1 << 30);
        final int buffer = s.integer(BUFFER_MEMORY, Math.max(64 << 20, budget + (budget >> 1)), 1 << 20,
            Integer.MAX_VALUE);
        if ((long) buffer < (long) budget + MIN_HEADROOM_BYTES) {
            throw s.invalid(BUFFER_MEMORY, "must be at least " + MAX_IN_FLIGHT_BYTES + " (" + budget + ") + "
                + MIN_HEADROOM_BYTES + " bytes; see the memory formula in docs/deploy.md, section 4");
        }
        return new KafkaLimits(budget, buffer, s.integer(UNREACHABLE, 10_000, 500, 600_000));
    }
}
