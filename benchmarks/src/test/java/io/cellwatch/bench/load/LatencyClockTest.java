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

    @Test
    void shouldPlaceEachIntendedTimeInItsPhaseWithTheWindowHalfOpen() {
        final LatencyClock c = new LatencyClock(-5_000L, 1_000_000L, -1_000L, 2_000L, 1); // nanoTime may be negative
        assertEquals(LatencyClock.WARM_UP, c.phaseOf(Long.MIN_VALUE / 2));
        assertEquals(LatencyClock.WARM_UP, c.phaseOf(-1_001L));
        assertEquals(LatencyClock.WINDOW, c.phaseOf(-1_000L), "the window's first instant is in it");
        assertEquals(LatencyClock.WINDOW, c.phaseOf(0L));
        assertEquals(LatencyClock.WINDOW, c.phaseOf(1_999L));
        assertEquals(LatencyClock.AFTER, c.phaseOf(2_000L), "its end is not");
        assertEquals(LatencyClock.AFTER, c.phaseOf(Long.MAX_VALUE / 2));
        assertEquals(true, c.inWindow(0L));
        assertEquals(false, c.inWindow(2_000L));
    }
}
