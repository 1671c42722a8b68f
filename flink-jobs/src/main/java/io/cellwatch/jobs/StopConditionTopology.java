package io.cellwatch.jobs;

import io.cellwatch.core.alert.Alert;
import io.cellwatch.jobs.kafka.TelemetryRecord;
import io.cellwatch.jobs.stop.DeadLetter;
import io.cellwatch.jobs.stop.StopConditionFunction;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The stop-condition topology: telemetry source -> key by channel -> stop conditions -> alerts sink, with the
 * records it cannot use going to the dead-letter sink. Source and sinks are arguments, so tests and the launcher
 * inject their own; operator uids are stable so savepoints survive code changes.
 *
 * <p>At parallelism 1 the source is chained into the keyed operator instead of crossing a keyBy: see
 * {@link #keyByChannel}. The operators and their uids are the same either way, so a savepoint taken at one
 * parallelism restores at any other (StopConditionJobRescaleITCase goes 1 -> 2 -> 1).
 */
public final class StopConditionTopology {
    private StopConditionTopology() {
    }

    public static SingleOutputStreamOperator<Alert> build(final StreamExecutionEnvironment env,
                                                          final Source<TelemetryRecord, ?, ?> source,
                                                          final Sink<Alert> alertSink,
                                                          final Sink<DeadLetter> deadLetterSink) {
        return build(env, source, alertSink, deadLetterSink, true);
    }

    /**
     * As {@link #build(StreamExecutionEnvironment, Source, Sink, Sink)}; {@code chainAtParallelismOne} false keeps the
     * keyBy at parallelism 1 too (the "before" of benchmarks/README.md, JobEdgeRun).
     */
    public static SingleOutputStreamOperator<Alert> build(final StreamExecutionEnvironment env,
                                                          final Source<TelemetryRecord, ?, ?> source,
                                                          final Sink<Alert> alertSink,
                                                          final Sink<DeadLetter> deadLetterSink,
                                                          final boolean chainAtParallelismOne) {
        // Rules run on each channel's own sample timestamps inside the keyed function; the records themselves carry
        // no event-time semantics Flink needs to know about.
        final DataStream<TelemetryRecord> records = env
            .fromSource(source, WatermarkStrategy.noWatermarks(), "telemetry-source")
            .uid("telemetry-source");
        final boolean chained = chainAtParallelismOne && env.getParallelism() == 1;
        final SingleOutputStreamOperator<Alert> alerts = keyByChannel(records, chained)
            .process(new StopConditionFunction(chained))
            .name("stop-conditions")
            .uid("stop-conditions");
        alerts.sinkTo(alertSink).name("alerts-sink").uid("alerts-sink");
        alerts.getSideOutput(StopConditionFunction.DEAD_LETTERS)
            .sinkTo(deadLetterSink).name("dead-letters-sink").uid("dead-letters-sink");
        return alerts;
    }

    /**
     * The records keyed by channel id. At parallelism &gt; 1 that is a keyBy: Kafka partitions by murmur2 of the key
     * bytes and the KafkaSource assigns partitions to subtasks in its own way, neither of which matches Flink's key
     * groups, so records must be redistributed over the network (serialised once more each).
     *
     * <p>At parallelism 1 the stream is only <em>declared</em> keyed ({@link DataStreamUtils#reinterpretAsKeyedStream},
     * a forward edge, so Flink chains the source into the operator and the record is handed over as an object). That
     * is correct because the single keyed subtask owns every key group (0 .. max parallelism - 1): whatever a record's
     * key, its state is local, and the keyed state backend still computes each record's key group from the same key
     * selector, so the state is stored exactly as after a keyBy and redistributes by key group when a savepoint is
     * restored at another parallelism. Per-channel order is unchanged: one source reader reads every partition, and a
     * channel's records are in one partition. {@link StopConditionFunction} checks at open that it really runs as one
     * subtask (an adaptive or reactive scheduler could rescale a job graph built for parallelism 1 in place) and fails
     * the job otherwise, rather than look up state for keys it does not own.
     */
    static KeyedStream<TelemetryRecord, String> keyByChannel(final DataStream<TelemetryRecord> records,
                                                           final boolean chained) {
        final KeySelector<TelemetryRecord, String> channelId = r -> r.channelId;
        return chained ? DataStreamUtils.reinterpretAsKeyedStream(records, channelId, Types.STRING)
            : records.keyBy(channelId, Types.STRING);
    }
}
