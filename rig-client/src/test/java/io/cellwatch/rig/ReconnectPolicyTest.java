package io.cellwatch.rig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class ReconnectPolicyTest {
    private final ReconnectPolicy policy = new ReconnectPolicy(Duration.ofMillis(100), Duration.ofMillis(1_000), 0.5);

    private static long millis(final long nanos) {
        return Duration.ofNanos(nanos).toMillis();
    }

    @Test
    void shouldDoubleTheDelayPerAttemptUpToTheCapWithoutJitter() {
        assertEquals(100, millis(policy.delayNanos(1, 0)));
        assertEquals(200, millis(policy.delayNanos(2, 0)));
        assertEquals(400, millis(policy.delayNanos(3, 0)));
        assertEquals(800, millis(policy.delayNanos(4, 0)));
        assertEquals(1_000, millis(policy.delayNanos(5, 0)));
        assertEquals(1_000, millis(policy.delayNanos(500, 0)), "no overflow after many attempts");
    }

    @Test
    void shouldTakeOffAtMostTheJitterShareOfEachDelay() {
        assertEquals(50, millis(policy.delayNanos(1, 0.999_999_999)));
        assertEquals(300, millis(policy.delayNanos(3, 0.5)));
        assertEquals(500, millis(policy.delayNanos(9, 0.999_999_999)));
    }

    @Test
    void shouldRefuseASettingThatCannotWork() {
        assertThrows(IllegalArgumentException.class, () -> new ReconnectPolicy(Duration.ZERO, Duration.ofSeconds(1), 0));
        assertThrows(IllegalArgumentException.class,
            () -> new ReconnectPolicy(Duration.ofSeconds(2), Duration.ofSeconds(1), 0));
        assertThrows(IllegalArgumentException.class,
            () -> new ReconnectPolicy(Duration.ofSeconds(1), Duration.ofSeconds(1), 1.5));
    }
}
