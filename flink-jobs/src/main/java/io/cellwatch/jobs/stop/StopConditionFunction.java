package io.cellwatch.jobs.stop;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

import io.cellwatch.core.alert.Alert;
import io.cellwatch.core.alert.AlertClass;
import io.cellwatch.core.alert.AlertIds;
import io.cellwatch.core.alert.StopAction;
import io.cellwatch.core.codec.ChannelFlyweight;
import io.cellwatch.core.codec.ErrorCode;
import io.cellwatch.core.codec.FrameDescriptor;
import io.cellwatch.core.codec.FrameType;
import io.cellwatch.core.codec.FrameValidator;
import io.cellwatch.core.codec.MarkFlyweight;
import io.cellwatch.core.codec.SamplesFlyweight;
import io.cellwatch.core.model.ChannelDeclaration;
import io.cellwatch.core.record.TelemetryRecordFlyweight;
import io.cellwatch.core.rules.Transition;
import io.cellwatch.core.rules.UpperChargeVoltageRule;
import io.cellwatch.jobs.kafka.TelemetryRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Evaluates the stop conditions of one channel (the key) over its records in arrival order, which is the rig's
 * send order (one Kafka partition per channel key, one connection per rig). Per record: read the channel's state
 * once, run every sample of the batch through the rules with flyweights (no allocation per sample), write the state
 * once.
 *
 * <p>Rig resends after a reconnect arrive as records with a sequence number at or below the last applied one and
 * are skipped here: this is where duplicates are removed. Records that cannot be decoded go to {@link #DEAD_LETTERS}.
 */
public final class StopConditionFunction extends KeyedProcessFunction<String, TelemetryRecord, Alert> {
    private static final long serialVersionUID = 1L;

    /** Side output for records that cannot be used. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") { };

    /** Channel override key of the upper charge voltage limit, V. */
    public static final String UPPER_CHARGE_VOLTAGE = "upperChargeVoltage";

    private transient ValueState<ChannelState> state;
    private transient UnsafeBuffer view;
    private transient TelemetryRecordFlyweight envelope;
    private transient SamplesFlyweight samples;
    private transient ChannelFlyweight channel;
    private transient MarkFlyweight mark;
    private transient Counter samplesEvaluated;
    private transient Counter repeatsSkipped;
    private transient Counter deadLetters;
    private transient Counter alertsRaised;
    private transient UpperChargeVoltageRule cachedRule;

    @Override
    public void open(final OpenContext openContext) {
        state = getRuntimeContext().getState(new ValueStateDescriptor<>("channel", ChannelState.class));
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
                : "frame length does not match the record");
            return;
        }
        ChannelState s = state.value();
        if (s == null) {
            s = new ChannelState();
            s.rigId = envelope.rigId();
            s.upperChargeVoltageLimit = UpperChargeVoltageRule.DEFAULT_LIMIT_VOLTS;
        }
        final int type = view.getByte(frameOffset + FrameDescriptor.TYPE_OFFSET) & 0xFF;
        switch (type) {
            case FrameType.CHANNEL -> {
                channel.wrap(view, frameOffset);
                if (isRepeat(s, channel.sequence())) {
                    return;
                }
                final String problem = declare(s, channel.declaration(), envelope.rigId());
                if (problem != null) {
                    deadLetter(ctx, record, problem);
                    // the sequence still counts as applied: a resend of the same bad declaration is a repeat
                }
            }
            case FrameType.SAMPLES -> {
                samples.wrap(view, frameOffset);
                if (isRepeat(s, samples.sequence())) {
                    return;
                }
                evaluate(ctx.getCurrentKey(), s, out);
            }
            case FrameType.MARK -> {
                mark.wrap(view, frameOffset);
                if (isRepeat(s, mark.sequence())) {
                    return;
                }
                // Phase markers set rule references (drop baseline, short start); the rules using them come next.
            }
            default -> {
                deadLetter(ctx, record, "frame type " + FrameType.name(type) + " does not belong on the samples topic");
                return;
            }
        }
        state.update(s);
    }

    private boolean isRepeat(final ChannelState s, final long sequence) {
        if (sequence <= s.lastSequence) {
            repeatsSkipped.inc();
            return true;
        }
        s.lastSequence = sequence;
        return false;
    }

    /** Applies a CHANNEL declaration; returns a problem text if a parameter is unusable (the old limits stay). */
    private static String declare(final ChannelState s, final ChannelDeclaration d, final String rigId) {
        final Double limit = d.overrides().get(UPPER_CHARGE_VOLTAGE);
        if (limit != null && !(limit > 0 && limit < 10)) {
            return "override " + UPPER_CHARGE_VOLTAGE + "=" + limit + " is not a plausible cell voltage";
        }
        s.declared = true;
        s.rigId = rigId;
        s.cellSerial = d.cellSerial();
        s.lot = d.lot();
        s.procedureId = d.procedureId();
        s.procedureVersion = d.procedureVersion();
        s.upperChargeVoltageLimit = limit != null ? limit : UpperChargeVoltageRule.DEFAULT_LIMIT_VOLTS;
        return null;
    }

    private void evaluate(final String channelId, final ChannelState s, final Collector<Alert> out) {
        final UpperChargeVoltageRule upper = ruleFor(s.upperChargeVoltageLimit);
        boolean active = s.overVoltageActive;
        final int n = samples.sampleCount();
        for (int i = 0; i < n; i++) {
            final float v = samples.voltage(i);
            final Transition t = upper.evaluate(active, v);
            if (t == Transition.FIRED) {
                active = true;
                out.collect(overVoltageAlert(channelId, s, samples.timestampMicros(i), v));
                alertsRaised.inc();
            } else if (t == Transition.CLEARED) {
                active = false;
            }
        }
        s.overVoltageActive = active;
        samplesEvaluated.inc(n);
    }

    /** Most channels share a limit: reuse the rule object rather than building one per record. */
    private UpperChargeVoltageRule ruleFor(final double limit) {
        if (cachedRule == null || cachedRule.limitVolts() != limit) {
            cachedRule = new UpperChargeVoltageRule(limit, UpperChargeVoltageRule.DEFAULT_HYSTERESIS_VOLTS);
        }
        return cachedRule;
    }

    private static Alert overVoltageAlert(final String channelId, final ChannelState s, final long sampleTimeMicros,
                                          final float voltage) {
        final String id = AlertIds.of(channelId, UpperChargeVoltageRule.ID, sampleTimeMicros);
        return new Alert(id, channelId, s.rigId, s.cellSerial, s.lot, s.procedureId, s.procedureVersion,
            UpperChargeVoltageRule.ID, AlertClass.SAFETY, StopAction.STOP, sampleTimeMicros, asDecimal(voltage), Double.NaN,
            s.upperChargeVoltageLimit, "V",
            ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now()), false,
            String.format(Locale.ROOT, "upper charge voltage exceeded: %.4f V > %.4f V; stop charging",
                voltage, s.upperChargeVoltageLimit));
    }

    /** The double nearest the float's shortest decimal form (4.2601f -> 4.2601, not 4.260099887...). */
    private static double asDecimal(final float f) {
        return Double.parseDouble(Float.toString(f));
    }

    private void deadLetter(final Context ctx, final TelemetryRecord r, final String reason) {
        deadLetters.inc();
        ctx.output(DEAD_LETTERS, new DeadLetter(r.channelId, reason, r.partition, r.offset, r.value));
    }
}
