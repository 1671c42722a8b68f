package io.cellwatch.rig;

import java.time.Duration;

/**
 * How long a {@link RigClient} waits before each automatic reconnect attempt: the delay doubles from
 * {@code initialDelay} per failed attempt up to {@code maxDelay}, and a random share of up to {@code jitter} of it
 * is taken off, so that the rigs of a plant that lost the gateway together do not all dial it again in step.
 *
 * @param initialDelay delay before the first attempt after the connection broke
 * @param maxDelay     the cap of the doubling
 * @param jitter       fraction of each delay (0..1) that is randomly taken off
 */
public record ReconnectPolicy(Duration initialDelay, Duration maxDelay, double jitter) {
    /** 200 ms doubling to at most 10 s, up to half of each delay taken off at random. */
    public static final ReconnectPolicy DEFAULT = new ReconnectPolicy(Duration.ofMillis(200), Duration.ofSeconds(10),
        0.5);

    public ReconnectPolicy {
        if (initialDelay.isNegative() || initialDelay.isZero()) {
            throw new IllegalArgumentException("initialDelay must be positive, got " + initialDelay);
        }
        if (maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("maxDelay " + maxDelay + " is below initialDelay " + initialDelay);
        }
        if (!(jitter >= 0 && jitter <= 1)) {
            throw new IllegalArgumentException("jitter must be within 0..1, got " + jitter);
        }
    }

    /**
     * The delay before attempt {@code attempt} (1 for the first after a break).
     *
     * @param random a uniform random number in [0, 1): which share of the jitter is taken off
     */
    public long delayNanos(final int attempt, final double random) {
        final long cap = maxDelay.toNanos();
        long base = initialDelay.toNanos();
        for (int i = 1; i < attempt && base < cap; i++) {
            base = Math.min(cap, base * 2); // no overflow: base < cap <= Long.MAX_VALUE / 2 for any sane cap
        }
        base = Math.min(cap, base);
        return base - (long) (base * jitter * random);
    }
}
