package io.cellwatch.core.recordings;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.agrona.ExpandableArrayBuffer;

import io.cellwatch.core.alert.Alert;
import io.cellwatch.core.codec.FrameDescriptor;
import io.cellwatch.core.codec.FrameValidator;
import io.cellwatch.core.codec.SamplesFlyweight;
import io.cellwatch.core.evaluation.ChannelEvaluator;
import io.cellwatch.core.evaluation.ChannelState;
import io.cellwatch.core.model.CellForm;
import io.cellwatch.core.model.ChannelDeclaration;

/**
 * Replays recorded rows through {@link ChannelEvaluator} the way the live job sees a rig: one CHANNEL declaration
 * (procedure and overrides), then SAMPLES frames of {@value #BATCH} samples each, and collects every alert.
 *
 * <p>No phase marks are sent, so the rules take the run's first sample as their start (baseline, short start). The
 * wall-clock time of each frame is the time of its last sample, as if it arrived the moment it was complete; the
 * evaluator's {@code time()} (silence, time caps without samples) is not driven, so only sample-driven alerts appear.
 * Only the ambient and force fields are absent from the samples (the recordings have neither).
 */
public final class ChannelReplay {
    public static final int BATCH = 256;
    public static final String CHANNEL_ID = "recordings/ch01";
    public static final String RIG_ID = "recordings";

    private ChannelReplay() {
    }

    /** Replays {@code rows} on a channel declared with {@code procedure} ("id@version") and no overrides. */
    public static List<Alert> run(final List<Recording.Row> rows, final String procedure) {
        return run(rows, procedure, Map.of());
    }

    /** Replays {@code rows} on a channel declared with {@code procedure} ("id@version") and {@code overrides}. */
    public static List<Alert> run(final List<Recording.Row> rows, final String procedure,
                                  final Map<String, Double> overrides) {
        final int at = procedure.lastIndexOf('@');
        final ChannelDeclaration declaration = new ChannelDeclaration(1, CHANNEL_ID, "cell-0001", "lot-0001",
            procedure.substring(0, at), Integer.parseInt(procedure.substring(at + 1)), CellForm.CYLINDRICAL, 1.0,
            overrides);
        final ChannelEvaluator evaluator = ChannelEvaluator.withBuiltInLibrary();
        final ChannelState state = evaluator.newState(CHANNEL_ID, RIG_ID);
        final String refused = evaluator.declare(state, declaration, RIG_ID);
        if (refused != null) {
            throw new IllegalArgumentException("declaration refused: " + refused);
        }
        final List<Alert> alerts = new ArrayList<>();
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(SamplesFlyweight.frameLength(BATCH));
        final SamplesFlyweight frame = new SamplesFlyweight();
        long sequence = 0;
        for (int from = 0; from < rows.size(); from += BATCH) {
            final int count = Math.min(BATCH, rows.size() - from);
            final int length = SamplesFlyweight.encodeHeader(buffer, 0, ++sequence, declaration.channelNo(), count);
            for (int j = 0; j < count; j++) {
                final Recording.Row r = rows.get(from + j);
                SamplesFlyweight.putSample(buffer, 0, j, r.timeMicros(), (float) r.voltage(), (float) r.current(),
                    (float) r.cellTemperature(), Float.NaN, Float.NaN);
            }
            final int checked = FrameValidator.check(buffer, 0, length, FrameDescriptor.DEFAULT_MAX_FRAME_LENGTH);
            if (checked != length) {
                throw new IllegalStateException("built an invalid SAMPLES frame: validator said " + checked);
            }
            frame.wrap(buffer, 0);
            evaluator.samples(state, frame, rows.get(from + count - 1).timeMicros(), alerts::add);
        }
        return alerts;
    }

    /** The alerts of one rule, in order. */
    public static List<Alert> ofRule(final List<Alert> alerts, final String rule) {
        return alerts.stream().filter(a -> a.rule().equals(rule)).toList();
    }
}
