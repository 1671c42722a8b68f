package io.cellwatch.gateway.tcp;

/**
 * A token bucket that lets the cost go into debt: a frame that has already arrived is always taken (refusing it
 * would only make the rig resend it), and the debt says how long to stop reading the connection so that the average
 * stays at the rate. Bounded memory, no rejections, and a rig that resends a backlog after a reconnect catches up at
 * the configured rate instead of being refused forever.
 *
 * <p>Not thread-safe: one per connection, used on its event loop. Time is passed in, so tests drive it.
 */
final class SampleRateLimiter {
    private final double perNano;
    private final double capacity;
    private double tokens;
    private long lastNanos;

    /** @param perSecond samples per second, > 0; @param burst the bucket's size, >= 1 */
    SampleRateLimiter(final int perSecond, final int burst, final long nowNanos) {
        this.perNano = perSecond / 1e9;
        this.capacity = burst;
        this.tokens = burst;
        this.lastNanos = nowNanos;
    }

    /**
     * Takes {@code samples} tokens.
     *
     * @return 0 when the bucket had them, else the nanoseconds until the debt is paid off (pause reading that long)
     */
    long take(final long samples, final long nowNanos) {
        tokens = Math.min(capacity, tokens + (nowNanos - lastNanos) * perNano);
        lastNanos = nowNanos;
        tokens -= samples;
        return tokens >= 0 ? 0 : (long) Math.ceil(-tokens / perNano);
    }
}
