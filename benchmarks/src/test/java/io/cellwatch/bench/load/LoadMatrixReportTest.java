package io.cellwatch.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class LoadMatrixReportTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldTakeMiddleValueOrMeanOfTheTwoMiddleOnesAndSkipMissingFigures() {
        assertEquals(new LoadMatrixReport.Spread(3, 1, 9, 3), LoadMatrixReport.Spread.of(new double[] {9, 1, 3}));
        assertEquals(new LoadMatrixReport.Spread(4, 1, 9, 4),
            LoadMatrixReport.Spread.of(new double[] {9, 5, 1, 3, Double.NaN}));
        assertEquals(0, LoadMatrixReport.Spread.of(new double[] {Double.NaN}).n());
        assertEquals("3.00 (1.00-9.00)", LoadMatrixReport.Spread.of(new double[] {9, 1, 3}).cell());
        assertEquals("-", LoadMatrixReport.Spread.of(new double[0]).cell());
    }

    /** A run's JSON as LoadHarness writes it, with the figures the table reads. */
    private static JsonNode run(final double achieved, final double ackP99, final double cpuNs, final double gcMs,
                                final String failure) {
        final ObjectNode n = JSON.createObjectNode();
        n.put("startedUtc", "2026-11-22T09:00:00Z");
        n.put("offeredPerSecond", 1000.0);
        n.put("ackedPerSecond", achieved);
        n.putObject("sampleToAck").put("count", 100).put("p50", 1.0).put("p99", ackP99).put("p999", ackP99)
            .put("max", ackP99);
        n.putObject("sampleToCommand").put("count", 2).put("p50", 5.0).put("p99", 6.0).put("p999", 6.0)
            .put("max", 6.0);
        n.put("tripsInjected", 2);
        n.putArray("cpu").addObject().put("process", "harness JVM (rigs + something)").put("cores", 1.5);
        n.put("cpuNanosPerSample", cpuNs);
        n.putArray("gc").addObject().put("process", "harness JVM (rigs + something)").put("maxPauseMs", gcMs)
            .putNull("error");
        n.putArray("gatewayLatency");
        n.put("otherCores", 0.05);
        n.put("stealCores", 0.0);
        n.putArray("jitCompilers").add(JSON.createObjectNode().put("cores", 0.25))
            .add(JSON.createObjectNode().put("cores", 0.125));
        n.put("cpuPressureSome", 0.904);
        if (failure == null) {
            n.putNull("failure");
        } else {
            n.put("failure", failure);
        }
        return n;
    }

    @Test
    void shouldReportMediansRangesAndPerRoundRatiosWithoutFailedRuns() {
        final List<LoadMatrixReport.Run> runs = new ArrayList<>();
        // round-robin, as the matrix script runs them: floor, cw, floor, cw, floor, cw
        runs.add(new LoadMatrixReport.Run("floor", "f1.json", run(1000, 1, 100, 2, null)));
        runs.add(new LoadMatrixReport.Run("cw", "c1.json", run(1000, 10, 1000, 20, null)));
        runs.add(new LoadMatrixReport.Run("floor", "f2.json", run(1000, 3, 200, 4, null)));
        runs.add(new LoadMatrixReport.Run("cw", "c2.json", run(500, 99, 9999, 99, "java.io.IOException: reset")));
        runs.add(new LoadMatrixReport.Run("floor", "f3.json", run(1000, 2, 150, 3, null)));
        runs.add(new LoadMatrixReport.Run("cw", "c3.json", run(1000, 30, 3000, 40, null)));

        final String table = LoadMatrixReport.report(runs);

        assertTrue(table.contains("| floor | 3 / 3 | 1,000 | 1,000 | 1.00 / 2.00 (1.00-3.00) / 2.00 (1.00-3.00) / "
            + "2.00 (1.00-3.00) | 5.00 / 6.00 / 6.00 / 6.00 | 6 / 6 | harness JVM 1.50 | 150 (100-200) "
            + "| harness JVM 3.00 (2.00-4.00) | - | 0.050 |"), table);
        assertTrue(table.contains("| cw | 2 / 3 | 1,000 | 1,000 | 1.00 / 20.0 (10.0-30.0) /"), "the failed run "
            + "is left out of the medians: " + table);
        // round 1: 1000/100 = 10; round 2: cw failed; round 3: 3000/150 = 20
        assertTrue(table.contains("| cw | 2 | 15.0 (10.0-20.0) | 1.00 |"), table);
        assertTrue(table.contains("| 4 | cw | c2.json | 2026-11-22T09:00:00Z | 500 | 99.0 | 6.00 (2 / 2) | 9,999 "
            + "| 99.0 | 0.050 | 0.000 | 0.375 | 90% | java.io.IOException: reset |"), table);
    }

    @Test
    void shouldListRunWithoutResultFileButLeaveItOutOfTheMedians() {
        final List<LoadMatrixReport.Run> runs = List.of(
            new LoadMatrixReport.Run("cw", "c1.json", run(1000, 10, 1000, 20, null)),
            new LoadMatrixReport.Run("cw", "c2.json", null));

        final String table = LoadMatrixReport.report(runs);

        assertTrue(table.contains("| cw | 1 / 2 | 1,000 | 1,000 | 1.00 / 10.0 / 10.0 / 10.0 |"), table);
        assertTrue(table.contains("| 2 | cw | c2.json | - |"), table);
        assertTrue(table.contains("no result file |"), table);
    }
}
