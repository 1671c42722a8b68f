package io.cellwatch.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class GcLogTest {

    @Test
    void shouldTakeG1PausesWithHeapAndSkipItsPhaseLines() {
        final GcLog.Pauses p = GcLog.parse(String.join("\n",
            "[2.141s] GC(1)   Evacuate Collection Set: 21.5ms",
            "[2.141s] GC(1) Pause Young (Normal) (G1 Evacuation Pause) 14M->5M(256M) 22.533ms",
            "[2.163s] GC(2) Pause Young (Normal) (G1 Evacuation Pause) 17M->6M(256M) 5.948ms",
            "[2.300s] GC(3) Pause Remark 20M->20M(256M) 1.500ms"));
        assertEquals(3, p.count);
        assertEquals(22.533 + 5.948 + 1.5, p.totalMs, 1e-9);
        assertEquals(22.533, p.maxMs, 1e-9);
        assertEquals("Young", p.maxKind);
        assertEquals(20, p.maxHeapBeforeMb);
        assertEquals(256, p.heapCapacityMb);
    }

    @Test
    void shouldTakeZgcsThreePausesPerCycleAndHeapFromTheCycleLine() {
        final GcLog.Pauses p = GcLog.parse(String.join("\n",
            "[2.173s] GC(0) Pause Mark Start 0.013ms",
            "[2.235s] GC(0) Concurrent Mark 57.966ms",
            "[2.235s] GC(0) Pause Mark End 0.019ms",
            "[2.253s] GC(0) Pause Relocate Start 0.015ms",
            "[2.266s] GC(0) Concurrent Relocate 12.860ms",
            "[44.47s] GC(0) Garbage Collection (Proactive) 296M(58%)->100M(20%)"));
        assertEquals(3, p.count, "concurrent phases are no pauses");
        assertEquals(0.019, p.maxMs, 1e-9);
        assertEquals("MarkEnd", p.maxKind);
        assertEquals(296, p.maxHeapBeforeMb);
        assertEquals(100, p.maxHeapAfterMb);
        assertEquals(510, p.heapCapacityMb, "296 MB is 58% of about 510 MB");
    }
}
