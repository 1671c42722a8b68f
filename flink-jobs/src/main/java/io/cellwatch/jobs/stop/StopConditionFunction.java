package io.cellwatch.jobs.stop;

import io.cellwatch.core.alert.Alert;
import io.cellwatch.core.codec.ChannelFlyweight;
import io.cellwatch.core.codec.ErrorCode;
import io.cellwatch.core.codec.FrameDescriptor;
import io.cellwatch.core.codec.FrameType;
import io.cellwatch.core.codec.FrameValidator;
import io.cellwatch.core.codec.MarkFlyweight;
import io.cellwatch.core.codec.SamplesFlyweight;
import io.cellwatch.core.evaluation.ChannelEvaluator;
import io.cellwatch.core.evaluation.ChannelState;
import io.cellwatch.core.record.TelemetryRecordFlyweight;
import io.cellwatch.jobs.kafka.TelemetryRecord;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Evaluates the stop conditions of one channel (the key) with the {@link ChannelEvaluator} of telemetry-core, over
 * the channel's records in arrival order, which is the rig's send order (one Kafka partition per channel key, one
 * connection per rig). Per record: read the channel's state once, decode in place, evaluate, write the state once.
 *
 * <p>Rig resends after a reconnect arrive as records whose sequence number is at or below the last applied one
 * and are skipped here: this is where duplicates are removed. Records that cannot be decoded go to
 * {@link #DEAD_LETTERS}. A processing-time timer per channel runs what must happen without data: the temperature
 * rule's time caps and the silence alert.
 */
public final class StopConditionFunction extends KeyedProcessFunction<String, TelemetryRecord, Alert> {
    private static final long serialVersionUID = 1L;

    /** Side output for records that cannot be used. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") { };

    /** Timers are rounded up to this granularity (ms) so a channel holds few distinct timers. */
    static final long TIMER_GRANULARITY_MS = 100;

    /** Set when the input is keyed only by declaration, which is correct only at parallelism 1 (see the topology). */
    private final boolean singleSubtaskOnly;

    private transient ValueState<ChannelState> state;
    private transient ChannelEvaluator evaluator;
    private transient UnsafeBuffer view;
    private transient TelemetryRecordFlyweight envelope;
    private transient SamplesFlyweight samples;
    private transient ChannelFlyweight channel;
    private transient MarkFlyweight mark;
    private transient Counter samplesEvaluated;
    private transient Counter repeatsSkipped;
    private transient Counter deadLetters;
    private transient Counter alertsRaised;

    /** For input that went through a keyBy: runs at any parallelism. */
    public StopConditionFunction() {
        this(false);
    }

    /**
     * @param singleSubtaskOnly true if the input is keyed by declaration only (StopConditionTopology at parallelism
     *                          1); the function then refuses to run as more than one subtask
     */
    public StopConditionFunction(final boolean singleSubtaskOnly) {
        this.singleSubtaskOnly = singleSubtaskOnly;
    }

    @Override
    public void open(final OpenContext openContext) {
        final int subtasks = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        if (singleSubtaskOnly && subtasks != 1) {
            throw new IllegalStateException("stop-conditions was built for parallelism 1 (its input is not"
                + " redistributed by key) but runs as " + subtasks + " subtasks; rebuild the job for that parallelism");
        }
        state = getRuntimeContext().getState(new ValueStateDescriptor<>("channel", ChannelState.class));
        evaluator = ChannelEvaluator.withBuiltInLibrary();
        view = new UnsafeBuffer(0, 0);
        envelope = new TelemetryRecordFlyweight();
        samples = new SamplesFlyweight();
        channel = new ChannelFlyweight();
        mark = new MarkFlyweight();
        samplesEvaluated = getRuntimeContext().getMetricGroup().counter("samplesEvaluated");
        repeatsSkipped = getRuntimeContext().getMetricGroup().counter("repeatsSkipped");
        deadLetters = getRuntimeContext().getMetricGroup().counter("deadLetters");
        alertsRaised = getRuntimeContext().getMetricGroup().counter("alertsRaised");
    }

    @Override
    public void processElement(final TelemetryRecord record, final Context ctx, final Collector<Alert> out)
        throws Exception {
        final byte[] bytes = record.value;
        view.wrap(bytes);
        envelope.wrap(view, 0, bytes.length);
        final String envelopeProblem = record.channelId.isEmpty() ? "record has no channel id key" : envelope.validate();
        if (envelopeProblem != null) {
            deadLetter(ctx, record, envelopeProblem);
            return;
        }
        final int frameOffset = envelope.frameOffset();
        final int frameLength = envelope.frameLength();
        final int checked = FrameValidator.check(view, frameOffset, frameLength, Integer.MAX_VALUE);
        if (checked != frameLength) {
            deadLetter(ctx, record, checked < 0 ? "invalid frame: " + ErrorCode.ofCode(-checked)
                : "frame missing or its length does not match the record");
            return;
        }
        ChannelState s = state.value();
        if (s == null) {
            s = evaluator.newState(ctx.getCurrentKey(), envelope.rigId());
        }
        final long wallMicros = ctx.timerService().currentProcessingTime() * 1000L;
        final int type = view.getByte(frameOffset + FrameDescriptor.TYPE_OFFSET) & 0xFF;
        switch (type) {
            case FrameType.CHANNEL -> {
                channel.wrap(view, frameOffset);
                if (isRepeat(s, channel.sequence())) {
                    return;
                }
                final String problem = evaluator.declare(s, channel.declaration(), envelope.rigId());
                if (problem != null) {
                    // the sequence still counts as applied: a resend of the same declaration is a repeat
                    deadLetter(ctx, record, "declaration not applied: " + problem);
                }
            }
            case FrameType.SAMPLES -> {
                samples.wrap(view, frameOffset);
                if (isRepeat(s, samples.sequence())) {
                    return;
                }
                evaluator.samples(s, samples, wallMicros, alert -> {
                    alertsRaised.inc();
                    out.collect(alert);
                });
                samplesEvaluated.inc(samples.sampleCount());
            }
            case FrameType.MARK -> {
                mark.wrap(view, frameOffset);
                if (isRepeat(s, mark.sequence())) {
                    return;
                }
                evaluator.mark(s, mark.markType(), mark.timestampMicros(), wallMicros);
            }
            default -> {
                deadLetter(ctx, record, "frame type " + FrameType.name(type) + " does not belong on the samples topic");
                return;
            }
        }
        schedule(s, ctx.timerService());
        state.update(s);
    }

    @Override
    public void onTimer(final long timestamp, final OnTimerContext ctx, final Collector<Alert> out) throws Exception {
        final ChannelState s = state.value();
        if (s == null || timestamp * 1000L < s.scheduledWakeUpMicros) {
            return; // superseded by an earlier wake-up that already ran
        }
        s.scheduledWakeUpMicros = Long.MAX_VALUE;
        evaluator.time(s, ctx.timerService().currentProcessingTime() * 1000L, alert -> {
            alertsRaised.inc();
            out.collect(alert);
        });
        schedule(s, ctx.timerService());
        state.update(s);
    }

    /** Registers a timer for the evaluator's next wake-up unless an earlier one is already registered. */
    private void schedule(final ChannelState s, final TimerService timers) {
        final long wake = evaluator.nextWakeUp(s);
        if (wake == Long.MAX_VALUE || wake >= s.scheduledWakeUpMicros) {
            return;
        }
        final long wakeMs = ((wake + 999) / 1000 + TIMER_GRANULARITY_MS - 1) / TIMER_GRANULARITY_MS * TIMER_GRANULARITY_MS;
        s.scheduledWakeUpMicros = wakeMs * 1000L;
        timers.registerProcessingTimeTimer(wakeMs);
    }

    private boolean isRepeat(final ChannelState s, final long sequence) {
        if (sequence <= s.lastSequence) {
            repeatsSkipped.inc();
            return true;
        }
        s.lastSequence = sequence;
        return false;
    }

    private void deadLetter(final Context ctx, final TelemetryRecord r, final String reason) {
        deadLetters.inc();
        ctx.output(DEAD_LETTERS, new DeadLetter(r.channelId, reason, r.partition, r.offset, r.value));
    }
}
