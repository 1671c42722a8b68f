package io.cellwatch.jobs;

import io.cellwatch.core.alert.Alert;
import io.cellwatch.jobs.kafka.TelemetryRecord;
import io.cellwatch.jobs.stop.DeadLetter;
import io.cellwatch.jobs.stop.StopConditionFunction;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The stop-condition topology: telemetry source -> key by channel -> stop conditions -> alerts sink, with the
 * records it cannot use going to the dead-letter sink. Source and sinks are arguments, so tests and the launcher
 * inject their own; operator uids are stable so savepoints survive code changes.
 */
public final class StopConditionTopology {
    private StopConditionTopology() {
    }

    public static SingleOutputStreamOperator<Alert> build(final StreamExecutionEnvironment env,
                                                          final Source<TelemetryRecord, ?, ?> source,
                                                          final Sink<Alert> alertSink,
                                                          final Sink<DeadLetter> deadLetterSink) {
        // Rules run on each channel's own sample timestamps inside the keyed function; the records themselves carry
        // no event-time semantics Flink needs to know about.
        final SingleOutputStreamOperator<Alert> alerts = env
            .fromSource(source, WatermarkStrategy.noWatermarks(), "telemetry-source")
            .uid("telemetry-source")
            .keyBy(r -> r.channelId)
            .process(new StopConditionFunction())
            .name("stop-conditions")
            .uid("stop-conditions");
        alerts.sinkTo(alertSink).name("alerts-sink").uid("alerts-sink");
        alerts.getSideOutput(StopConditionFunction.DEAD_LETTERS)
            .sinkTo(deadLetterSink).name("dead-letters-sink").uid("dead-letters-sink");
        return alerts;
    }
}
