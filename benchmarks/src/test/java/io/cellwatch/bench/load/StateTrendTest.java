package io.cellwatch.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class StateTrendTest {

    private static LoadResult.StatePoint point(final double rigHours, final long fullBytes) {
        return new LoadResult.StatePoint(rigHours * 10, rigHours, rigHours, 5, 0, fullBytes, fullBytes, 3, 100);
    }

    @Test
    void shouldReportNoGrowthWhenEveryCheckpointAfterTheFirstHourHasTheSameSize() {
        final StateTrend t = StateTrend.of(List.of(point(0.2, -1), point(0.5, 900), point(1, 1200), point(6, 1200),
            point(12, 1200), point(24, 1200)), 1.0);
        assertEquals(4, t.points(), "points before rig hour 1 or without a checkpoint are left out");
        assertEquals(1200, t.minBytes());
        assertEquals(1200, t.maxBytes());
        assertEquals(0.0, t.slopeBytesPerRigHour(), 1e-9);
        assertEquals(1.0, t.fromRigHours());
        assertEquals(24.0, t.toRigHours());
    }

    @Test
    void shouldMeasureTheSlopeWhenTheStateGrowsWithRigTime() {
        final StateTrend t = StateTrend.of(List.of(point(1, 1100), point(2, 1200), point(3, 1300), point(4, 1400)),
            1.0);
        assertEquals(100.0, t.slopeBytesPerRigHour(), 1e-9);
        assertEquals(1100, t.firstBytes());
        assertEquals(1400, t.lastBytes());
        assertTrue(t.line(2).contains("700 B"), "last per channel: " + t.line(2));
    }

    @Test
    void shouldSayWhenNoCheckpointCompleted() {
        final StateTrend t = StateTrend.of(List.of(point(2, -1)), 1.0);
        assertEquals(0, t.points());
        assertTrue(Double.isNaN(t.slopeBytesPerRigHour()));
        assertTrue(t.line(2).startsWith("no completed checkpoint"), t.line(2));
    }
}
