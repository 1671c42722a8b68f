package io.cellwatch.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LatencyClockTest {

    @Test
    void shouldRunRigTimeScaleTimesFasterAndMapItBackToTheWallTimeItWasDue() {
        final LatencyClock c = new LatencyClock(1_000_000_000L, 1_790_000_000_000_000L, 2_000_000_000L,
            3_000_000_000L, 50);
        final long dueNanos = c.startNanos() + 2_000_000L; // 2 ms of wall time after the origin
        assertEquals(c.epochMicrosAtStart() + 100_000L, c.microsOf(dueNanos), "2 ms wall = 100 ms rig");
        assertEquals(c.microsOf(dueNanos), c.rigMicrosAfter(2_000L));
        assertEquals(dueNanos, c.nanosOf(c.microsOf(dueNanos)), "latency is measured from the wall time it was due");
    }

    @Test
    void shouldKeepRigTimeEqualToWallTimeAtScaleOne() {
        final LatencyClock c = new LatencyClock(5_000L, 1_000_000L, 6_000L, 7_000L, 1);
        assertEquals(1_000_007L, c.microsOf(12_000L));
        assertEquals(12_000L, c.nanosOf(1_000_007L));
    }
}
