package io.cellwatch.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.cellwatch.core.alert.Alert;
import io.cellwatch.core.config.Settings;
import io.cellwatch.jobs.kafka.TelemetryRecord;
import io.cellwatch.jobs.stop.StopConditionFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The job graph StopConditionJob builds: at parallelism 1 the source is chained into stop-conditions (no network
 * edge, no serialisation of the records), at parallelism 2 a keyBy separates them; and a function built for the
 * chained form refuses to run as more than one subtask.
 */
class StopConditionTopologyTest {

    @Test
    void atParallelismOneTheSourceIsChainedIntoTheStopConditions() {
        final List<String> vertices = vertexNames(1);
        assertTrue(vertices.stream().anyMatch(v -> v.contains("telemetry-source") && v.contains("stop-conditions")),
            "one vertex holds source and stop-conditions: " + vertices);
    }

    @Test
    void atParallelismTwoTheRecordsAreRedistributedByKey() {
        final List<String> vertices = vertexNames(2);
        assertTrue(vertices.stream().anyMatch(v -> v.contains("telemetry-source") && !v.contains("stop-conditions")),
            "the source is a vertex of its own: " + vertices);
        assertTrue(vertices.stream().anyMatch(v -> v.contains("stop-conditions") && !v.contains("telemetry-source")),
            "stop-conditions is a vertex of its own: " + vertices);
    }

    @Test
    void aFunctionBuiltForTheChainedFormFailsToOpenAsOneOfTwoSubtasks() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, TelemetryRecord, Alert> harness =
                 new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new StopConditionFunction(true)),
                     r -> r.channelId, Types.STRING, 128, 2, 0)) {
            final IllegalStateException e = assertThrows(IllegalStateException.class, harness::open);
            assertTrue(e.getMessage().contains("parallelism 1"), e.getMessage());
        }
    }

    @Test
    void aFunctionBuiltForTheChainedFormOpensAsTheOnlySubtask() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, TelemetryRecord, Alert> harness =
                 new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new StopConditionFunction(true)),
                     r -> r.channelId, Types.STRING, 128, 1, 0)) {
            harness.open();
            assertEquals(0, harness.extractOutputValues().size());
        }
    }

    private static List<String> vertexNames(final int parallelism) {
        final JobConfig config = JobConfig.from(Settings.of(Map.of(
            JobConfig.BOOTSTRAP_SERVERS, "127.0.0.1:1",
            JobConfig.PARALLELISM, Integer.toString(parallelism))));
        final StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        StopConditionJob.configure(env, config);
        StopConditionJob.buildWithKafka(env, config);
        final List<String> names = new ArrayList<>();
        for (JobVertex v : env.getStreamGraph().getJobGraph().getVertices()) {
            names.add(v.getName());
        }
        return names;
    }
}
