package io.cellwatch.replay.send;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ReplaySpeedTest {

    @Test
    void shouldScaleRunTimeWhenSpeedIsAFactor() {
        assertEquals(2_500_000_000L, ReplaySpeed.parse("1").wallNanos(2_500_000));
        assertEquals(25_000_000L, ReplaySpeed.parse("100").wallNanos(2_500_000));
        assertEquals(25_000_000L, ReplaySpeed.parse("100x").wallNanos(2_500_000));
        assertEquals(5_000_000_000L, ReplaySpeed.parse("0.5").wallNanos(2_500_000));
    }

    @Test
    void shouldNeverWaitWhenSpeedIsMax() {
        final ReplaySpeed max = ReplaySpeed.parse("MAX");
        assertTrue(max.isMax());
        assertEquals(0, max.wallNanos(86_400_000_000L));
        assertEquals("max", max.toString());
    }

    @Test
    void shouldRejectSpeedWhenNotAPositiveNumberOrMax() {
        for (String bad : new String[] {"0", "-1", "fast", "NaN", "Infinity", "0.001", ""}) {
            final IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReplaySpeed.parse(bad), bad);
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
    }
}
