package io.cellwatch.jobs.stop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.cellwatch.core.evaluation.ChannelEvaluator;
import io.cellwatch.core.evaluation.ChannelState;
import io.cellwatch.core.model.CellForm;
import io.cellwatch.core.model.ChannelDeclaration;
import io.cellwatch.core.model.MarkType;
import io.cellwatch.core.codec.SamplesFlyweight;
import org.agrona.ExpandableArrayBuffer;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The job's state per channel is bounded (issue 8: "no growth over a 24 h run"). {@link StopConditionFunction}
 * keeps one {@link ChannelState} per channel in Flink keyed state; this test runs 24 h of a channel's samples (rig
 * time) through the same {@link ChannelEvaluator} and serialises the state with the serializer Flink uses for it,
 * every simulated hour. The bytes a checkpoint holds per channel must not grow with the run's length.
 */
class ChannelStateSizeTest {
    private static final long HOUR_US = 3_600_000_000L;
    private static final int PER_FRAME = 100;

    @ParameterizedTest(name = "{0}@{1} at {2} Hz")
    @CsvSource({
        "ort/cycling, 2, 10",                      // rolling-rest drop window: the largest rule state
        "pse-app9/forced-internal-short, 1, 10",   // baseline drop after PRESS_START
        "pse-app9/external-short-cell, 1, 10"})    // temperature peak after SHORT_APPLIED, 24 h cap
    void shouldKeepTheSerialisedChannelStateTheSameSizeWhenTwentyFourHoursOfSamplesArrive(
        final String procedure, final int version, final int hz) throws Exception {
        final TypeSerializer<ChannelState> serializer =
            TypeInformation.of(ChannelState.class).createSerializer(new SerializerConfigImpl());
        assertInstanceOf(PojoSerializer.class, serializer, "Flink's POJO serializer, not a Kryo fallback");

        final ChannelEvaluator evaluator = ChannelEvaluator.withBuiltInLibrary();
        final ChannelState s = evaluator.newState("rigS/ch01", "rigS");
        assertNull(evaluator.declare(s, new ChannelDeclaration(1, "rigS/ch01", "SN-S", "LOT-S", procedure, version,
            CellForm.CYLINDRICAL, 3.0, Map.of()), "rigS"));
        final long t0 = 1_790_000_000_000_000L;
        evaluator.mark(s, MarkType.RUN_START, t0, t0);

        final long step = 1_000_000L / hz;
        final ExpandableArrayBuffer frame = new ExpandableArrayBuffer(SamplesFlyweight.frameLength(PER_FRAME));
        final SamplesFlyweight samples = new SamplesFlyweight();
        final List<Integer> sizeByHour = new ArrayList<>();
        final int[] alerts = new int[1];
        long t = t0;
        long sequence = 1;
        sizeByHour.add(serialisedSize(serializer, s));
        for (int hour = 1; hour <= 24; hour++) {
            final long hourEnd = t0 + hour * HOUR_US;
            while (t < hourEnd) {
                SamplesFlyweight.encodeHeader(frame, 0, ++sequence, 1, PER_FRAME);
                for (int i = 0; i < PER_FRAME; i++, t += step) {
                    // an hourly cycle: 25 min charge, 5 min rest, 25 min discharge, 5 min rest (3.6 .. 4.15 V)
                    final double minute = (t - t0) % HOUR_US / 60_000_000.0;
                    final double v;
                    final double current;
                    if (minute < 25) {
                        v = 3.6 + 0.55 * minute / 25;
                        current = 1.5;
                    } else if (minute < 30) {
                        v = 4.15;
                        current = 0;
                    } else if (minute < 55) {
                        v = 4.15 - 0.55 * (minute - 30) / 25;
                        current = -1.5;
                    } else {
                        v = 3.6;
                        current = 0;
                    }
                    // the cell warms while current flows; ambient 25 C
                    final double cell = 25 + (current == 0 ? 1 : 8) + 0.01 * (i % 7);
                    SamplesFlyweight.putSample(frame, 0, i, t, (float) v, (float) current, (float) cell, 25f,
                        Float.NaN);
                }
                evaluator.samples(s, samples.wrap(frame, 0), t, a -> alerts[0]++);
                s.lastSequence = sequence;
            }
            sizeByHour.add(serialisedSize(serializer, s));
        }

        System.out.printf("STATE %s@%d at %d Hz: %d samples over 24 h, %d alerts, serialised channel state by hour"
            + " (bytes) %s%n", procedure, version, hz, 24L * 3600 * hz, alerts[0], sizeByHour);
        final int afterOneHour = sizeByHour.get(1);
        for (int hour = 1; hour <= 24; hour++) {
            assertEquals(afterOneHour, sizeByHour.get(hour), "state size after hour " + hour + ": " + sizeByHour);
        }
        assertTrue(afterOneHour < 4096, "a few hundred bytes per channel, got " + afterOneHour);
    }

    private static int serialisedSize(final TypeSerializer<ChannelState> serializer, final ChannelState s)
        throws Exception {
        final DataOutputSerializer out = new DataOutputSerializer(1024);
        serializer.serialize(s, out);
        return out.length();
    }
}
